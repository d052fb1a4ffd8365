using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Embeddings;

public sealed class EmbeddingCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sammpa-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Second_lookup_hits_without_loading_or_encoding()
    {
        var cache = new EmbeddingCache(_directory);
        using var encoder = new FakeEncoder("fake-a");

        var first = cache.GetOrAdd("h1", encoder, () => TestImages.Disc());
        var second = cache.GetOrAdd("h1", encoder, () => throw new InvalidOperationException("must not load on a hit"));

        Assert.Equal(1, cache.Misses);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, encoder.Calls);
        Assert.Equal(first, second);

        // A new cache over the same directory (a re-run) does not re-encode either.
        var rerun = new EmbeddingCache(_directory);
        var third = rerun.GetOrAdd("h1", encoder, () => throw new InvalidOperationException("must not load on a hit"));
        Assert.Equal(0, rerun.Misses);
        Assert.Equal(first, third);
    }

    [Fact]
    public void Values_round_trip_within_float16_precision()
    {
        var cache = new EmbeddingCache(_directory);
        using var encoder = new FakeEncoder("fake-a");
        using var image = TestImages.Disc();
        var exact = encoder.Encode(image);

        var stored = cache.GetOrAdd("h2", encoder, () => image.Clone());
        var read = cache.GetOrAdd("h2", encoder, () => throw new InvalidOperationException());

        Assert.Equal(stored, read);
        for (var i = 0; i < exact.Length; i++)
        {
            Assert.True(Math.Abs(exact[i] - read[i]) <= (Math.Abs(exact[i]) * 1e-3) + 1e-6, $"{exact[i]} vs {read[i]}");
        }
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip-payload")]
    [InlineData("foreign")]
    [InlineData("empty")]
    public void Damaged_file_is_detected_and_recomputed(string damage)
    {
        var cache = new EmbeddingCache(_directory);
        using var encoder = new FakeEncoder("fake-a");
        var original = cache.GetOrAdd("h3", encoder, () => TestImages.Disc());
        var path = cache.PathFor("h3", encoder);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncate":
                File.WriteAllBytes(path, bytes[..(bytes.Length - 7)]);
                break;
            case "flip-payload":
                bytes[^3] ^= 0x40;
                File.WriteAllBytes(path, bytes);
                break;
            case "foreign":
                File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes(new string('x', bytes.Length)));
                break;
            default:
                File.WriteAllBytes(path, []);
                break;
        }

        var again = cache.GetOrAdd("h3", encoder, () => TestImages.Disc());

        Assert.Equal(2, cache.Misses);
        Assert.Equal(1, cache.Rejected);
        Assert.Equal(original, again);
        Assert.Equal(bytes.Length, new FileInfo(path).Length);
        Assert.Equal(original, cache.GetOrAdd("h3", encoder, () => throw new InvalidOperationException()));
    }

    [Fact]
    public void Distinct_encoder_ids_do_not_collide()
    {
        var cache = new EmbeddingCache(_directory);
        using var a = new FakeEncoder("fake-a", seed: 1);
        using var b = new FakeEncoder("fake-b", seed: 2);

        var fa = cache.GetOrAdd("same", a, () => TestImages.Disc());
        var fb = cache.GetOrAdd("same", b, () => TestImages.Disc());

        Assert.Equal(2, cache.Misses);
        Assert.NotEqual(fa, fb);
        Assert.NotEqual(cache.PathFor("same", a), cache.PathFor("same", b));
        Assert.Equal(fa, cache.GetOrAdd("same", a, () => throw new InvalidOperationException()));
        Assert.Equal(fb, cache.GetOrAdd("same", b, () => throw new InvalidOperationException()));
    }

    [Fact]
    public void Batched_lookup_encodes_only_the_misses_in_order()
    {
        var cache = new EmbeddingCache(_directory);
        using var encoder = new FakeEncoder("fake-a");
        var one = cache.GetOrAdd("one", encoder, () => TestImages.Disc());

        var results = cache.GetOrAddMany(
            [("one", () => throw new InvalidOperationException()), ("two", () => TestImages.Stripes()), ("three", () => TestImages.Disc(shiftX: 5))],
            encoder);

        Assert.Equal(3, cache.Misses);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(one, results[0]);
        Assert.Equal(results[1], cache.GetOrAdd("two", encoder, () => throw new InvalidOperationException()));
        Assert.Equal(results[2], cache.GetOrAdd("three", encoder, () => throw new InvalidOperationException()));
        Assert.NotEqual(results[1], results[2]);
    }

    [Fact]
    public void Concurrent_lookups_agree()
    {
        var cache = new EmbeddingCache(_directory);
        using var encoder = new FakeEncoder("fake-a");
        var results = new float[16][];

        Parallel.For(0, results.Length, i => results[i] = cache.GetOrAdd("c", encoder, () => TestImages.Disc()));

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Equal(results.Length, cache.Hits + cache.Misses);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(cache.PathFor("c", encoder))!, "*.tmp"));
    }

    [Fact]
    public void Content_hash_is_lowercase_sha256_of_the_bytes()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "abc.bin");
        File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes("abc"));

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", EmbeddingCache.ContentHash(path));
    }

    /// <summary>Deterministic encoder: a function of the pixels and a seed; counts its calls.</summary>
    private sealed class FakeEncoder(string id, int seed = 0) : IImageEncoder
    {
        private int _calls;

        public string Id => id;

        public int Dimension => 64;

        public int Calls => Volatile.Read(ref _calls);

        public float[] Encode(GrayImage image)
        {
            Interlocked.Increment(ref _calls);
            var result = new float[Dimension];
            var pixels = image.Pixels;
            for (var i = 0; i < pixels.Length; i++)
            {
                result[(i + seed) % Dimension] += pixels[i] * (1f + (0.37f * (i % 7))) / pixels.Length;
            }

            for (var i = 0; i < result.Length; i++)
            {
                result[i] = (result[i] - 50f) * (i % 3 == 0 ? 1e-3f : 1f);
            }

            return result;
        }

        public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<GrayImage> images) => images.Select(Encode).ToArray();

        public void Dispose()
        {
        }
    }
}
