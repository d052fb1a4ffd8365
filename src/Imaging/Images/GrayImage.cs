namespace SamMpa.Imaging.Images;

/// <summary>
/// A single-channel float image, row-major, on a buffer of exactly width x height floats (not rented from the shared
/// array pool, which rounds up to a power of two: a 40-megapixel image would take 256 MiB instead of 160 MB).
/// Intensities are on a 0..255 scale for every bit depth (16-bit values / 257, precision kept); masks use 0..1.
/// Dispose drops the buffer; an image must not be used after that.
/// </summary>
public sealed class GrayImage : IDisposable
{
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
        _buffer = new float[length];
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

    public void Dispose() => _buffer = null;
}
