using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Sam;

namespace SamMpa.Grains.Services;

/// <summary>
/// The silo's encoder and SAM decoder, loaded once per process on first use and shared by every worker activation
/// (one ONNX session per model per process). A SAM package given in the options decides both.
/// </summary>
public sealed class WorkerModels(IOptions<ModelOptions> options, ILogger<WorkerModels> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private SamPackage? _package;
    private bool _packageLoaded;
    private IImageEncoder? _encoder;
    private SamDecoder? _decoder;

    /// <summary>The encoder: SAM's when a package or encoder is configured, else the bundled ResNet18.</summary>
    public IImageEncoder Encoder
    {
        get
        {
            lock (_gate)
            {
                if (_encoder is null)
                {
                    var settings = options.Value;
                    var package = Package;
                    _encoder = package is not null
                        ? new SamImageEncoder(package, settings.Device, Warn)
                        : EncoderFactory.Create(settings.SamEncoder, settings.Device, Warn);
                    logger.LogInformation("Embedding with encoder {Encoder} ({Dimension} values per image)", _encoder.Id, _encoder.Dimension);
                }

                return _encoder;
            }
        }
    }

    /// <summary>SAM's prompt decoder, or null when this silo has no SAM package.</summary>
    public SamDecoder? Decoder
    {
        get
        {
            lock (_gate)
            {
                return _decoder ??= Package is { } package ? new SamDecoder(package) : null;
            }
        }
    }

    /// <summary>
    /// Loads and checks the configured SAM package now (kept for the workers), so a gpu silo whose package cannot be
    /// used refuses to start instead of accepting work it can never do. Does nothing without a package.
    /// </summary>
    public void LoadPackage()
    {
        lock (_gate)
        {
            _ = Package;
        }
    }

    private SamPackage? Package
    {
        get
        {
            if (!_packageLoaded)
            {
                var directory = options.Value.SamPackage;
                _package = string.IsNullOrWhiteSpace(directory) ? null : SamPackage.Load(directory, options.Value.Device, Warn);
                _packageLoaded = true;
            }

            return _package;
        }
    }

    public void Dispose() => _encoder?.Dispose();

    private void Warn(string message) => logger.LogWarning("{Warning}", message);
}
