using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Localisation;
using SamMpa.Imaging.Sam;

namespace SamMpa.Grains.Services;

/// <summary>
/// The silo's encoder, SAM decoder and dense feature extractor (a DI singleton), shared by every worker activation: loaded once, on the thread
/// pool, by the first of <see cref="LoadAsync"/> (a gpu silo's start) or the workers' calls, which all await the same
/// load; no lock is held while a model loads. A SAM package given in the options decides both. Disposed with the host:
/// the encoder, the decoder's package and their ONNX sessions.
/// </summary>
public sealed class WorkerModels(IOptions<ModelOptions> options, ILogger<WorkerModels> logger) : IDisposable
{
    private Task<LoadedModels>? _loading;
    private int _disposed;

    /// <summary>
    /// Loads the configured models now (a gpu silo's start), so a silo whose SAM package or encoder cannot be used refuses
    /// to start instead of accepting work it can never do.
    /// </summary>
    public Task LoadAsync() => Loading();

    /// <summary>The encoder: SAM's when a package or encoder is configured, else the bundled ResNet18.</summary>
    public async Task<IImageEncoder> GetEncoderAsync() => (await Loading()).Encoder;

    /// <summary>SAM's prompt decoder, or null when this silo has no SAM package.</summary>
    public async Task<SamDecoder?> GetDecoderAsync() => (await Loading()).Decoder;

    /// <summary>
    /// The dense features for localisation: ResNet18's, joined by the SAM encoder's embeddings when this silo embeds with
    /// SAM and Models:SamDenseFeatures is on; null when Models:DenseFeatures is off.
    /// </summary>
    public async Task<DenseFeatureSource?> GetFeatureSourceAsync() => (await Loading()).Features;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _loading) is { } loading)
        {
            DisposeWhenLoaded(loading);
        }
    }

    /// <summary>The one load: started by the first caller; a failed load is started again by the next caller.</summary>
    private Task<LoadedModels> Loading()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var current = Volatile.Read(ref _loading);
        if (current is not null && !current.IsFaulted)
        {
            return current;
        }

        var load = new Task<LoadedModels>(Load);
        var seen = Interlocked.CompareExchange(ref _loading, load, current);
        if (seen != current)
        {
            return seen!; // another caller started the load first
        }

        load.Start(TaskScheduler.Default);
        if (Volatile.Read(ref _disposed) != 0)
        {
            DisposeWhenLoaded(load); // disposed while this load was being started
        }

        return load;
    }

    /// <summary>Disposes the models of <paramref name="loading"/> once loaded (at once when they are).</summary>
    private static void DisposeWhenLoaded(Task<LoadedModels> loading) =>
        _ = loading.ContinueWith(
            loaded => loaded.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private LoadedModels Load()
    {
        var settings = options.Value;
        var package = string.IsNullOrWhiteSpace(settings.SamPackage) ? null : SamPackage.Load(settings.SamPackage, settings.Device, Warn);
        IImageEncoder? encoder = null;
        try
        {
            encoder = package is not null
                ? new SamImageEncoder(package, settings.Device, Warn)
                : EncoderFactory.Create(settings.SamEncoder, settings.Device, Warn);
            var decoder = package is not null ? new SamDecoder(package) : null;
            var features = settings.DenseFeatures
                ? new DenseFeatureSource(
                    new DenseFeatureExtractor(device: settings.Device, warn: Warn),
                    settings.SamDenseFeatures && encoder is SamImageEncoder ? encoder.Id : null)
                : null;
            logger.LogInformation(
                "Embedding with encoder {Encoder} ({Dimension} values per image); dense features {Extractor}", encoder.Id, encoder.Dimension, features?.Id ?? "off");
            return new LoadedModels(package, encoder, decoder, features);
        }
        catch
        {
            encoder?.Dispose();
            package?.Dispose();
            throw;
        }
    }

    private void Warn(string message) => logger.LogWarning("{Warning}", message);

    private sealed class LoadedModels(SamPackage? package, IImageEncoder encoder, SamDecoder? decoder, DenseFeatureSource? features) : IDisposable
    {
        /// <summary>Its ONNX session is shared per process by the ResNet18 extractor's own cache; nothing to dispose here.</summary>
        public DenseFeatureSource? Features { get; } = features;

        public IImageEncoder Encoder { get; } = encoder;

        /// <summary>Runs on the package's decoder session, which the package owns.</summary>
        public SamDecoder? Decoder { get; } = decoder;

        /// <summary>Idempotent: the encoder and the package release their session leases once.</summary>
        public void Dispose()
        {
            Encoder.Dispose();
            package?.Dispose();
        }
    }
}
