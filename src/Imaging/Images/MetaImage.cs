using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace SamMpa.Imaging.Images;

/// <summary>
/// Minimal reader/writer for 2D MetaImage (.mha, header and data in one file), the format elastix and transformix use.
/// Writes MET_FLOAT little-endian uncompressed; reads the scalar element types transformix may produce,
/// uncompressed or zlib-compressed, little-endian, with <c>ElementDataFile = LOCAL</c>. Whatever is wrong with a file
/// (a damaged header, a size above the caller's limit, truncated or corrupt data) is an <see cref="InvalidImageException"/>
/// naming it, before anything is allocated for its pixels.
/// </summary>
public static class MetaImage
{
    private const int MaxHeaderBytes = 64 * 1024;

    public static void Write(GrayImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);

        var header = string.Create(
            CultureInfo.InvariantCulture,
            $"ObjectType = Image\nNDims = 2\nBinaryData = True\nBinaryDataByteOrderMSB = False\nCompressedData = False\n" +
            $"TransformMatrix = 1 0 0 1\nOffset = 0 0\nCenterOfRotation = 0 0\nElementSpacing = 1 1\n" +
            $"DimSize = {image.Width} {image.Height}\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n");

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(Encoding.ASCII.GetBytes(header));
        ReadOnlySpan<float> pixels = image.Pixels;
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(pixels));
        }
        else
        {
            var row = new byte[image.Width * sizeof(float)];
            for (var y = 0; y < image.Height; y++)
            {
                var src = image.Row(y);
                for (var x = 0; x < src.Length; x++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(row.AsSpan(x * sizeof(float)), src[x]);
                }

                stream.Write(row);
            }
        }
    }

    /// <summary>Reads a MetaImage of at most <see cref="ImageLimits.Default"/>'s pixel count.</summary>
    public static GrayImage Read(string path) => Read(path, ImageLimits.Default.MaxPixels);

    /// <summary>Reads a MetaImage of at most <paramref name="maxPixels"/> pixels; a larger DimSize is refused from the header.</summary>
    public static GrayImage Read(string path, long maxPixels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var (fields, dataOffset) = ReadHeader(stream, path);

        string Field(string key) => fields.TryGetValue(key, out var v)
            ? v
            : throw Invalid(path, $"the header has no '{key}' field");

        if (fields.TryGetValue("ObjectType", out var objectType) && !objectType.Equals("Image", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(path, $"ObjectType '{objectType}' is not supported (expected Image)");
        }

        var dims = ParseInts(Field("DimSize"), path, "DimSize");
        var ndims = fields.TryGetValue("NDims", out var nd) ? ParseInts(nd, path, "NDims")[0] : dims.Length;
        if (ndims != dims.Length || ndims < 2 || ndims > 3 || (ndims == 3 && dims[2] != 1))
        {
            throw Invalid(path, $"only 2D images are supported (NDims = {ndims}, DimSize = {Field("DimSize")})");
        }

        int width = dims[0], height = dims[1];
        if (width <= 0 || height <= 0)
        {
            throw Invalid(path, $"DimSize {width} {height} is not a positive size");
        }

        if (fields.TryGetValue("ElementNumberOfChannels", out var channels) && channels.Trim() != "1")
        {
            throw Invalid(path, $"ElementNumberOfChannels = {channels} is not supported (single channel only)");
        }

        if (IsTrue(fields, "BinaryDataByteOrderMSB") || IsTrue(fields, "ElementByteOrderMSB"))
        {
            throw Invalid(path, "big-endian data (BinaryDataByteOrderMSB = True) is not supported");
        }

        if (fields.TryGetValue("BinaryData", out var binary) && !IsTrueValue(binary))
        {
            throw Invalid(path, "ASCII data (BinaryData = False) is not supported");
        }

        var dataFile = Field("ElementDataFile");
        if (!dataFile.Equals("LOCAL", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(path, $"ElementDataFile = {dataFile} is not supported (only LOCAL)");
        }

        var elementType = Field("ElementType");
        var elementSize = ElementSize(elementType)
            ?? throw Invalid(path, $"ElementType {elementType} is not supported");
        var count = (long)width * height;
        var byteCount = count * elementSize;
        if (count > maxPixels || byteCount > Array.MaxLength)
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"the image is {width}x{height} pixels ({count:N0}), above the limit of {maxPixels:N0}"));
        }

        var compressed = IsTrue(fields, "CompressedData");
        var bytes = ArrayPool<byte>.Shared.Rent((int)byteCount);
        try
        {
            stream.Position = dataOffset;
            var data = bytes.AsSpan(0, (int)byteCount);
            if (compressed)
            {
                using var zlib = new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true);
                FillOrThrow(zlib, data, path);
            }
            else
            {
                FillOrThrow(stream, data, path);
            }

            var image = new GrayImage(width, height);
            try
            {
                Convert(elementType, data, image.Pixels);
            }
            catch
            {
                image.Dispose();
                throw;
            }

            return image;
        }
        catch (InvalidDataException ex)
        {
            throw Invalid(path, $"the compressed data is corrupt ({ex.Message})", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void FillOrThrow(Stream source, Span<byte> data, string path)
    {
        var read = source.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw Invalid(path, $"the pixel data is truncated: expected {data.Length} bytes, found {read}");
        }
    }

    private static void Convert(string elementType, ReadOnlySpan<byte> data, Span<float> pixels)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("MetaImage reading needs a little-endian machine.");
        }

        switch (elementType.ToUpperInvariant())
        {
            case "MET_FLOAT":
                MemoryMarshal.Cast<byte, float>(data).CopyTo(pixels);
                break;
            case "MET_DOUBLE":
                ConvertAll(MemoryMarshal.Cast<byte, double>(data), pixels);
                break;
            case "MET_UCHAR":
                ConvertAll(data, pixels);
                break;
            case "MET_CHAR":
                ConvertAll(MemoryMarshal.Cast<byte, sbyte>(data), pixels);
                break;
            case "MET_SHORT":
                ConvertAll(MemoryMarshal.Cast<byte, short>(data), pixels);
                break;
            case "MET_USHORT":
                ConvertAll(MemoryMarshal.Cast<byte, ushort>(data), pixels);
                break;
            case "MET_INT":
                ConvertAll(MemoryMarshal.Cast<byte, int>(data), pixels);
                break;
            case "MET_UINT":
                ConvertAll(MemoryMarshal.Cast<byte, uint>(data), pixels);
                break;
            default:
                throw new InvalidDataException($"ElementType {elementType} is not supported.");
        }
    }

    private static void ConvertAll<T>(ReadOnlySpan<T> source, Span<float> target)
        where T : unmanaged, INumberBase<T>
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = float.CreateTruncating(source[i]);
        }
    }

    private static int? ElementSize(string elementType) => elementType.ToUpperInvariant() switch
    {
        "MET_UCHAR" or "MET_CHAR" => 1,
        "MET_SHORT" or "MET_USHORT" => 2,
        "MET_INT" or "MET_UINT" or "MET_FLOAT" => 4,
        "MET_DOUBLE" => 8,
        _ => null,
    };

    private static (Dictionary<string, string> Fields, long DataOffset) ReadHeader(Stream stream, string path)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var line = new StringBuilder();
        long position = 0;
        while (true)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw Invalid(path, "the header ends before 'ElementDataFile' (file truncated or not a MetaImage)");
            }

            position++;
            if (position > MaxHeaderBytes)
            {
                throw Invalid(path, "no MetaImage header found");
            }

            if (b != '\n')
            {
                if (b != '\r')
                {
                    line.Append((char)b);
                }

                continue;
            }

            var text = line.ToString();
            line.Clear();
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Invalid(path, $"header line '{text}' is not 'Key = Value'");
            }

            var key = text[..eq].Trim();
            var value = text[(eq + 1)..].Trim();
            fields[key] = value;
            if (key.Equals("ElementDataFile", StringComparison.OrdinalIgnoreCase))
            {
                return (fields, position);
            }
        }
    }

    private static int[] ParseInts(string text, string path, string field)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
            {
                throw Invalid(path, $"{field} = '{text}' is not a list of integers");
            }
        }

        return values.Length > 0 ? values : throw Invalid(path, $"{field} is empty");
    }

    private static bool IsTrue(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) && IsTrueValue(value);

    private static bool IsTrueValue(string value) =>
        value.Equals("True", StringComparison.OrdinalIgnoreCase) || value == "1";

    private static InvalidImageException Invalid(string path, string reason, Exception? inner = null) =>
        inner is null ? new(path, $"not a readable MetaImage: {reason}") : new(path, $"not a readable MetaImage: {reason}", inner);
}
