using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace SamMpa.Hosting.Local;

/// <summary>
/// Grain state as files below a root folder (the development default): one file per state name and grain,
/// <c>{root}/grainstate/{state name}/{grain id}.bin</c>, both names made safe by <see cref="SafeFileName"/>.
/// The state is serialized with Orleans' own serializer, so every <c>[GenerateSerializer]</c> type can be stored.
/// </summary>
/// <remarks>
/// <para>
/// Concurrency is optimistic, keyed by ETags: a read reports the stored ETag, and a write or clear succeeds only when
/// the grain presents the ETag that is stored now (none when there is no file). Otherwise the call throws
/// <see cref="InconsistentStateException"/> and leaves the file untouched. Every successful write stores a new ETag.
/// </para>
/// <para>
/// Each file is replaced whole (<see cref="AtomicFile"/>), so a killed process never leaves half a state behind.
/// Calls for the same file are serialized by a lock shared by all instances in the process (two providers may share a
/// root); calls for different grains run in parallel. Separate processes writing the same folder are not coordinated.
/// </para>
/// <para>
/// File layout: "SMGS", a format version byte, then as length-prefixed UTF-8 strings the ETag, the state name and the
/// grain id, then the payload length (int32, little-endian) and the payload. The recorded key is checked on every read.
/// </para>
/// </remarks>
public sealed class LocalFolderGrainStorage : IGrainStorage
{
    /// <summary>Folder below the root that holds all grain state.</summary>
    public const string FolderName = "grainstate";

    public const string FileExtension = ".bin";

    private const byte FormatVersion = 1;

    private static readonly byte[] Magic = "SMGS"u8.ToArray();

    private static readonly SemaphoreSlim[] Gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Meter of what the local grain storage writes: how the state of a grain grows with its work shows here.</summary>
    public const string MeterName = "SamMpa.GrainState";

    private static readonly System.Diagnostics.Metrics.Meter StateMeter = new(MeterName);

    private static readonly System.Diagnostics.Metrics.Counter<long> BytesWritten =
        StateMeter.CreateCounter<long>("sammpa.grain_state.bytes_written", "By", "Bytes of grain state written, by state name.");

    private readonly Serializer _serializer;
    private readonly ILogger<LocalFolderGrainStorage> _logger;

    public LocalFolderGrainStorage(string name, string rootFolder, Serializer serializer, ILogger<LocalFolderGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(rootFolder);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(logger);
        Name = name;
        Folder = Path.Combine(Path.GetFullPath(rootFolder), FolderName);
        _serializer = serializer;
        _logger = logger;
    }

    /// <summary>The provider name the grains ask for.</summary>
    public string Name { get; }

    /// <summary>Full path of the folder that holds the state files.</summary>
    public string Folder { get; }

    /// <summary>The file that holds the state <paramref name="stateName"/> of <paramref name="grainId"/>.</summary>
    /// <param name="stateName">The state's name (what <c>[PersistentState]</c> names).</param>
    /// <param name="grainId">The grain.</param>
    public string PathOf(string stateName, GrainId grainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) id.", nameof(grainId));
        }

        var path = Path.GetFullPath(Path.Combine(Folder, SafeFileName.Escape(stateName), SafeFileName.Escape(grainId.ToString()) + FileExtension));

        // The escaping already rules this out; a path outside the folder would be a bug worth stopping at.
        return path.StartsWith(Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new InvalidOperationException($"The state file '{path}' would lie outside '{Folder}'.");
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        var gate = GateOf(path);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var content = await TryReadAllBytesAsync(path, cancellationToken);
            if (content is null)
            {
                // Like Orleans' own providers, a missing record leaves the grain's (fresh) state as it is.
                grainState.ETag = null;
                grainState.RecordExists = false;
                return;
            }

            var (eTag, payload) = Parse(path, content, stateName, grainId);
            T? state;
            try
            {
                state = _serializer.Deserialize<T>(payload);
            }
            catch (Exception e)
            {
                throw new InvalidDataException($"The state file '{path}' does not hold a readable {typeof(T)}: {e.Message}", e);
            }

            grainState.State = state ?? grainState.State;
            grainState.ETag = eTag;
            grainState.RecordExists = true;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        var payload = _serializer.SerializeToArray(grainState.State);
        var eTag = Guid.NewGuid().ToString("N");
        var content = Format(eTag, stateName, grainId, payload);

        await UnderETagAsync("write", path, stateName, grainId, grainState.ETag, async _ =>
        {
            await AtomicFile.WriteAsync(path, content, cancellationToken);
            BytesWritten.Add(content.Length, new KeyValuePair<string, object?>("state", stateName));
            grainState.ETag = eTag;
            grainState.RecordExists = true;
        }, cancellationToken);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        await UnderETagAsync("clear", path, stateName, grainId, grainState.ETag, stored =>
        {
            if (stored is not null)
            {
                File.Delete(path);
            }

            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="change"/> on the file under its gate, once the stored ETag matches the presented one.</summary>
    private async Task UnderETagAsync(
        string operation, string path, string stateName, GrainId grainId, string? presented, Func<string?, Task> change, CancellationToken cancellationToken)
    {
        var gate = GateOf(path);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await ReadStoredETagAsync(path, stateName, grainId, cancellationToken);
            ThrowIfConflict(operation, path, stored, presented);
            await change(stored);
        }
        finally
        {
            gate.Release();
        }
    }

    private static SemaphoreSlim GateOf(string path) => Gates[(uint)StringComparer.Ordinal.GetHashCode(path) % (uint)Gates.Length];

    // No ETag and an empty one both mean "no record".
    private static string? Normalize(string? eTag) => string.IsNullOrEmpty(eTag) ? null : eTag;

    private void ThrowIfConflict(string operation, string path, string? stored, string? presented)
    {
        if (string.Equals(stored, Normalize(presented), StringComparison.Ordinal))
        {
            return;
        }

        _logger.LogWarning(
            "ETag conflict on {Operation} of {Path} in storage {Name}: stored {StoredETag}, presented {PresentedETag}",
            operation, path, Name, stored ?? "(none)", presented ?? "(none)");
        throw new InconsistentStateException(
            $"Cannot {operation} '{path}': the stored ETag is {stored ?? "(none, no record)"} but the grain presented {Normalize(presented) ?? "(none)"}.",
            stored ?? string.Empty,
            presented ?? string.Empty);
    }

    private static async Task<byte[]?> TryReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static async Task<string?> ReadStoredETagAsync(string path, string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        var content = await TryReadAllBytesAsync(path, cancellationToken);
        return content is null ? null : Parse(path, content, stateName, grainId).ETag;
    }

    private static byte[] Format(string eTag, string stateName, GrainId grainId, byte[] payload)
    {
        using var buffer = new MemoryStream(payload.Length + 128);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(eTag);
            writer.Write(stateName);
            writer.Write(grainId.ToString());
            writer.Write(payload.Length);
            writer.Write(payload);
        }

        return buffer.ToArray();
    }

    private static (string ETag, ReadOnlyMemory<byte> Payload) Parse(string path, byte[] content, string stateName, GrainId grainId)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(content, writable: false), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException($"'{path}' is not a grain state file.");
            }

            var version = reader.ReadByte();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"'{path}' has state file format {version}; this build reads format {FormatVersion}.");
            }

            var eTag = reader.ReadString();
            var storedState = reader.ReadString();
            var storedGrain = reader.ReadString();
            if (!string.Equals(storedState, stateName, StringComparison.Ordinal) || !string.Equals(storedGrain, grainId.ToString(), StringComparison.Ordinal))
            {
                throw new InvalidDataException($"'{path}' holds state '{storedState}' of grain '{storedGrain}', not '{stateName}' of '{grainId}'.");
            }

            var length = reader.ReadInt32();
            var offset = (int)reader.BaseStream.Position;
            if (eTag.Length == 0 || length < 0 || length != content.Length - offset)
            {
                throw new InvalidDataException($"'{path}' is damaged: {content.Length - offset} payload bytes where the header announces {length}.");
            }

            return (eTag, content.AsMemory(offset, length));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}' is truncated.", e);
        }
    }
}
