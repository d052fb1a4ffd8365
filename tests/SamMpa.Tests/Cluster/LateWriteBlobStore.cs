using System.Collections.Concurrent;
using SamMpa.Storage;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The silos' blob store in the cluster tests, passing every call through; for a dataset a test has armed, it records
/// the masks the workers write under runs/ and holds the first one as a late write: the worker's call is let go when
/// it is cancelled, and the write (of content the test chooses) lands only when the test releases it.
/// </summary>
internal sealed class LateWriteBlobStore(IBlobStore inner) : IBlobStore
{
    private static readonly ConcurrentDictionary<string, LateWrite> Armed = new(StringComparer.Ordinal);

    /// <summary>Holds the first run mask the workers write for <paramref name="dataset"/>; it lands as <paramref name="replace"/> of the worker's content.</summary>
    public static LateWrite Arm(string dataset, Func<byte[], byte[]> replace) => Armed[dataset] = new LateWrite(dataset) { Replace = replace };

    public static void Disarm(string dataset) => Armed.TryRemove(dataset, out _);

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var late = Armed.Values.FirstOrDefault(w => w.Matches(name));
        if (late is null)
        {
            await inner.WriteAsync(name, content, cancellationToken);
            return;
        }

        late.Written[name] = content.ToArray();
        if (!late.TryHold(name))
        {
            await inner.WriteAsync(name, content, cancellationToken);
            return;
        }

        // The write is on its way and the worker's call lets go on cancel; the write itself lands when released.
        var held = content.ToArray();
        late.Landed = Task.Run(
            async () =>
            {
                await late.Release.Task;
                await inner.WriteAsync(name, late.Content(held), CancellationToken.None);
            },
            CancellationToken.None);
        await Task.WhenAny(late.Landed, Task.Delay(Timeout.Infinite, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => inner.TryCreateAsync(name, content, cancellationToken);

    public Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken) => inner.TryCreateAsync(name, content, cancellationToken);

    public Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken) => inner.ReadAsync(name, cancellationToken);

    public Task<byte[]?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken) => inner.ReadAsync(name, maxBytes, cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) => inner.ExistsAsync(name, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => inner.DeleteAsync(name, cancellationToken);

    internal sealed class LateWrite(string dataset)
    {
        private int _held;

        /// <summary>Set with the held blob's name when a worker's write is held.</summary>
        public TaskCompletionSource<string> Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Ends when the held write has landed.</summary>
        public Task Landed { get; set; } = Task.CompletedTask;

        /// <summary>What the held write writes instead of the worker's content (null: the worker's content).</summary>
        public Func<byte[], byte[]>? Replace { get; init; }

        /// <summary>Every run mask written for the dataset, by blob name.</summary>
        public ConcurrentDictionary<string, byte[]> Written { get; } = new(StringComparer.Ordinal);

        public bool Matches(string name) =>
            name.StartsWith(DatasetBlobLayout.RunsPrefix(dataset), StringComparison.Ordinal) && name.Contains("/masks/", StringComparison.Ordinal);

        public bool TryHold(string name)
        {
            if (Interlocked.Exchange(ref _held, 1) != 0)
            {
                return false;
            }

            Held.TrySetResult(name);
            return true;
        }

        public byte[] Content(byte[] worker) => Replace?.Invoke(worker) ?? worker;
    }
}
