using SamMpa.Storage;

namespace SamMpa.Tests.Storage;

/// <summary>
/// What every <see cref="IBlobStore"/> must do; each store's test class derives from this with its own store,
/// so the local folder and Azure stores pass the same tests. The tests are virtual so a store whose tests need a
/// service can override them with a fact that skips when the service is absent (<c>AzuriteFact</c>).
/// </summary>
public abstract class BlobStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract IBlobStore Store { get; }

    [Fact]
    public virtual async Task A_written_blob_reads_back()
    {
        await Store.WriteAsync("datasets/d1/images/a.png", "abc"u8.ToArray(), None);

        Assert.Equal("abc"u8.ToArray(), await Store.ReadAsync("datasets/d1/images/a.png", None));
        Assert.True(await Store.ExistsAsync("datasets/d1/images/a.png", None));
    }

    [Fact]
    public virtual async Task A_missing_blob_reads_as_null() =>
        Assert.Null(await Store.ReadAsync("datasets/none/images/x.png", None));

    [Fact]
    public virtual async Task A_bounded_read_gives_a_blob_up_to_the_limit_and_null_for_a_missing_one()
    {
        await Store.WriteAsync("datasets/d9/images/a.png", "abcd"u8.ToArray(), None);

        Assert.Equal("abcd"u8.ToArray(), await Store.ReadAsync("datasets/d9/images/a.png", maxBytes: 4, None));
        Assert.Null(await Store.ReadAsync("datasets/d9/images/none.png", maxBytes: 4, None));
    }

    [Fact]
    public virtual async Task A_bounded_read_refuses_a_longer_blob_naming_it_and_its_length()
    {
        await Store.WriteAsync("datasets/d10/images/big.png", new byte[5000], None);

        var error = await Assert.ThrowsAsync<BlobTooLargeException>(() => Store.ReadAsync("datasets/d10/images/big.png", maxBytes: 4999, None));

        Assert.Equal(("datasets/d10/images/big.png", 5000L, 4999L), (error.Name, error.Length, error.MaxBytes));
        Assert.Contains("datasets/d10/images/big.png", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public virtual async Task Create_if_absent_writes_once_and_keeps_the_first_content()
    {
        Assert.True(await Store.TryCreateAsync("datasets/d2/masks/a.png", "first"u8.ToArray(), None));
        Assert.False(await Store.TryCreateAsync("datasets/d2/masks/a.png", "second"u8.ToArray(), None));

        Assert.Equal("first"u8.ToArray(), await Store.ReadAsync("datasets/d2/masks/a.png", None));
    }

    [Fact]
    public virtual async Task Create_if_absent_from_a_stream_writes_once_and_keeps_the_first_content()
    {
        using (var first = new MemoryStream("first"u8.ToArray()))
        {
            Assert.True(await Store.TryCreateAsync("datasets/d11/images/a.png", first, None));
        }

        using (var second = new MemoryStream("second"u8.ToArray()))
        {
            Assert.False(await Store.TryCreateAsync("datasets/d11/images/a.png", second, None));
        }

        Assert.Equal("first"u8.ToArray(), await Store.ReadAsync("datasets/d11/images/a.png", None));
    }

    [Fact]
    public virtual async Task A_stream_that_fails_midway_leaves_no_blob()
    {
        await using var failing = new FailingStream(bytesBeforeFailure: 100);

        await Assert.ThrowsAsync<InvalidDataException>(() => Store.TryCreateAsync("datasets/d12/images/a.png", failing, None));

        Assert.False(await Store.ExistsAsync("datasets/d12/images/a.png", None));
        await foreach (var name in Store.ListAsync("datasets/d12/", None))
        {
            Assert.Fail($"expected nothing under datasets/d12/, found {name}");
        }
    }

    [Fact]
    public virtual async Task Concurrent_creates_of_one_blob_have_exactly_one_winner()
    {
        // Many rounds of writers on pool threads: a check-then-rename store loses some of them, not each one.
        for (var round = 0; round < 20; round++)
        {
            var name = $"datasets/d3/coarse/{round}.png";
            var attempts = Enumerable.Range(0, 8)
                .Select(i => Task.Run(() => Store.TryCreateAsync(name, new[] { (byte)i }, None)));

            var outcomes = await Task.WhenAll(attempts);

            var winners = Enumerable.Range(0, 8).Where(i => outcomes[i]).ToList();
            Assert.True(winners.Count == 1, $"expected exactly one of 8 concurrent creates of {name} to win, {winners.Count} did ({string.Join(", ", winners)})");
            Assert.Equal(new[] { (byte)winners[0] }, await Store.ReadAsync(name, None));
        }
    }

    [Fact]
    public virtual async Task Listing_a_prefix_gives_its_blobs_in_ordinal_order_and_nothing_else()
    {
        await Store.WriteAsync("datasets/d4/images/b.png", new byte[] { 1 }, None);
        await Store.WriteAsync("datasets/d4/images/a.png", new byte[] { 1 }, None);
        await Store.WriteAsync("datasets/d4/masks/a.png", new byte[] { 1 }, None);
        await Store.WriteAsync("datasets/d5/images/a.png", new byte[] { 1 }, None);

        var names = new List<string>();
        await foreach (var name in Store.ListAsync("datasets/d4/", None))
        {
            names.Add(name);
        }

        Assert.Equal(["datasets/d4/images/a.png", "datasets/d4/images/b.png", "datasets/d4/masks/a.png"], names);
    }

    [Fact]
    public virtual async Task Deleting_removes_the_blob_once()
    {
        await Store.WriteAsync("datasets/d6/images/a.png", new byte[] { 1 }, None);

        Assert.True(await Store.DeleteAsync("datasets/d6/images/a.png", None));
        Assert.False(await Store.DeleteAsync("datasets/d6/images/a.png", None));
        Assert.False(await Store.ExistsAsync("datasets/d6/images/a.png", None));
    }

    [Theory]
    [InlineData("datasets/../x")]
    [InlineData("datasets//x")]
    [InlineData("/datasets/x")]
    [InlineData("datasets/a b")]
    public virtual async Task Unsafe_names_are_refused(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(name, new byte[] { 1 }, None));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A stream that gives some bytes and then throws, as an upload cut off by its size limit does.</summary>
    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int _given;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _given; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= bytesBeforeFailure)
            {
                throw new InvalidDataException("the stream failed on purpose");
            }

            var n = Math.Min(count, bytesBeforeFailure - _given);
            Array.Clear(buffer, offset, n);
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
