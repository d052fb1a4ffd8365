using System.Buffers;
using System.Numerics;

namespace SamMpa.Imaging.Images;

/// <summary>
/// A single-channel float image, row-major, on a buffer of exactly width x height floats: rented from the shared array
/// pool when that size is a power of two (the pool's own sizes, so nothing is wasted: the 256x256 working images of the
/// hot paths), allocated otherwise (the pool would round a 40-megapixel image up to 256 MiB instead of 160 MB).
/// Intensities are on a 0..255 scale for every bit depth (16-bit values / 257, precision kept); masks use 0..1.
/// Dispose returns a rented buffer; an image must not be used after that.
/// </summary>
public sealed class GrayImage : IDisposable
{
    /// <summary>Largest buffer rented (4 MiB of floats); bigger ones are rare and allocated.</summary>
    private const long MaxPooledLength = 1 << 20;

    private readonly bool _pooled;
    private float[]? _buffer;

    public GrayImage(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An image needs a positive size, not {width}x{height}.");
        }

        var length = (long)width * height;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An image of {width}x{height} pixels ({length:N0}) is more than one array can hold.");
        }

        Width = width;
        Height = height;
        _pooled = BitOperations.IsPow2(length) && length <= MaxPooledLength;
        if (_pooled)
        {
            _buffer = ArrayPool<float>.Shared.Rent((int)length);
            Pixels.Clear();
        }
        else
        {
            _buffer = new float[length];
        }
    }

    public int Width { get; }

    public int Height { get; }

    public int Length => Width * Height;

    public Span<float> Pixels => Buffer.AsSpan(0, Length);

    public Span<float> Row(int y) => Buffer.AsSpan(y * Width, Width);

    public float this[int x, int y]
    {
        get => Buffer[(y * Width) + x];
        set => Buffer[(y * Width) + x] = value;
    }

    private float[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(GrayImage));

    public GrayImage Clone()
    {
        var copy = new GrayImage(Width, Height);
        Pixels.CopyTo(copy.Pixels);
        return copy;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null && _pooled)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
