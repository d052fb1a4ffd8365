using System.Buffers.Binary;
using System.Globalization;
using SamMpa.Imaging.Images;
using SkiaSharp;
using Xunit.Abstractions;
using static SamMpa.Tests.Images.TestImages;

namespace SamMpa.Tests.Images;

/// <summary>
/// Mutated PNG (8-bit, 16-bit, interlaced), JPEG and BMP files from valid seeds, with a fixed seed, through the decode
/// gate as images and as masks, and mutated MetaImages (what transformix returns) through their reader: each either
/// decodes or is refused with an <see cref="InvalidImageException"/> naming it;
/// no other exception may escape. A test run tries <see cref="DefaultMutations"/> files; the full run (10,000) is
/// <c>SAMMPA_DECODER_FUZZ=10000 dotnet test tests/SamMpa.Tests -c Release --filter "FullyQualifiedName~DecoderFuzzTests"</c>.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private const int DefaultMutations = 2000;

    private static readonly int[] InterestingInts = [0, 1, -1, 16, 255, 65_535, 50_000, int.MaxValue, int.MinValue];

    [Fact]
    public void Mutated_files_decode_or_are_refused_as_invalid_images_and_nothing_else_escapes()
    {
        var mutations = int.TryParse(Environment.GetEnvironmentVariable("SAMMPA_DECODER_FUZZ"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : DefaultMutations;
        var seeds = Seeds();
        var random = new Random(20_261_128);
        var limits = ImageLimits.Default with { MaxPixels = 4_000_000 };
        var (decoded, refused) = (0, 0);
        var escaped = new List<string>();
        for (var i = 0; i < mutations; i++)
        {
            var (kind, seed) = seeds[i % seeds.Length];
            var file = Mutate(seed, random, fixCrcs: kind.StartsWith("png", StringComparison.Ordinal) && random.Next(2) == 0);
            var name = $"fuzz-{i}-{kind}";
            try
            {
                using var image = i % 2 == 0 ? ImageFile.Decode(file, name, limits) : ImageFile.DecodeMask(file, name, limits);
                decoded++;
            }
            catch (InvalidImageException e) when (e.Path == name)
            {
                refused++;
            }
            catch (Exception e)
            {
                escaped.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        output.WriteLine($"{mutations} mutated files: {decoded} decoded, {refused} refused as invalid images, {escaped.Count} other exceptions");
        Assert.True(escaped.Count == 0, $"expected only InvalidImageException, got:{Environment.NewLine}{string.Join(Environment.NewLine, escaped.Take(20))}");
    }

    [Fact]
    public void Mutated_metaimages_read_or_are_refused_as_invalid_images_and_nothing_else_escapes()
    {
        var mutations = int.TryParse(Environment.GetEnvironmentVariable("SAMMPA_DECODER_FUZZ"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : DefaultMutations;
        var seeds = MetaImageSeeds();
        var random = new Random(20_261_129);
        using var folder = new TempFolder();
        var path = folder.File("fuzz.mha");
        var (read, refused) = (0, 0);
        var escaped = new List<string>();
        for (var i = 0; i < mutations; i++)
        {
            var (kind, seed) = seeds[i % seeds.Length];
            File.WriteAllBytes(path, Mutate(seed, random, fixCrcs: false));
            try
            {
                // A registration result is read with the query's pixel count as the limit: 4 MP stands for it here.
                using var image = MetaImage.Read(path, maxPixels: 4_000_000);
                read++;
            }
            catch (InvalidImageException e) when (e.Path == path)
            {
                refused++;
            }
            catch (Exception e)
            {
                escaped.Add($"fuzz-{i}-{kind}: {e.GetType().Name}: {e.Message}");
            }
        }

        output.WriteLine($"{mutations} mutated MetaImages: {read} read, {refused} refused as invalid images, {escaped.Count} other exceptions");
        Assert.True(escaped.Count == 0, $"expected only InvalidImageException, got:{Environment.NewLine}{string.Join(Environment.NewLine, escaped.Take(20))}");
    }

    /// <summary>What transformix writes (float, as MetaImage.Write does) and what it may: 8 and 16 bits, zlib-compressed.</summary>
    private static (string Kind, byte[] File)[] MetaImageSeeds()
    {
        const int width = 40, height = 24;
        using var folder = new TempFolder();
        using var image = new GrayImage(width, height);
        for (var i = 0; i < image.Length; i++)
        {
            image.Pixels[i] = (i * 37 % 101) / 100f;
        }

        var written = folder.File("float.mha");
        MetaImage.Write(image, written);
        var uchar = Enumerable.Range(0, width * height).Select(i => (byte)(i * 7)).ToArray();
        var ushorts = Enumerable.Range(0, width * height).SelectMany(i => BitConverter.GetBytes((ushort)(i * 977))).ToArray();
        using var packed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(ushorts);
        }

        static byte[] Handcrafted(string elementType, int w, int h, byte[] data, bool compressed) =>
        [
            .. System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"ObjectType = Image\nNDims = 2\nBinaryData = True\nBinaryDataByteOrderMSB = False\nCompressedData = {compressed}\nDimSize = {w} {h}\nElementType = {elementType}\nElementDataFile = LOCAL\n")),
            .. data,
        ];

        return
        [
            ("mha-float", File.ReadAllBytes(written)),
            ("mha-uchar", Handcrafted("MET_UCHAR", width, height, uchar, compressed: false)),
            ("mha-ushort-zlib", Handcrafted("MET_USHORT", width, height, packed.ToArray(), compressed: true)),
        ];
    }

    private static (string Kind, byte[] File)[] Seeds()
    {
        const int width = 40, height = 24;
        ushort Sample(int i, int max) => (ushort)((i * 2_654_435_761L) % (max + 1));
        var gray8 = Enumerable.Range(0, width * height).Select(i => Sample(i, 255)).ToArray();
        var rgba8 = Enumerable.Range(0, width * height * 4).Select(i => Sample(i, 255)).ToArray();
        var gray16 = Enumerable.Range(0, width * height).Select(i => Sample(i, 65_535)).ToArray();
        var rgb16 = Enumerable.Range(0, width * height * 3).Select(i => Sample(i, 65_535)).ToArray();
        using var folder = new TempFolder();
        byte[] Written(Action<string> write)
        {
            var path = folder.File(Guid.NewGuid().ToString("N"));
            write(path);
            return File.ReadAllBytes(path);
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 6), (byte)(y * 10), (byte)((x + y) * 3)));
            }
        }

        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return
        [
            ("png8-gray", Written(p => WritePng(p, width, height, 8, PngGray, gray8, cycleFilters: true))),
            ("png8-rgba", Written(p => WritePng(p, width, height, 8, PngRgba, rgba8))),
            ("png16-gray", Written(p => WritePng(p, width, height, 16, PngGray, gray16, cycleFilters: true))),
            ("png16-rgb", Written(p => WritePng(p, width, height, 16, PngRgb, rgb16, cycleFilters: true))),
            ("png16-interlaced", Written(p => WriteInterlacedGray16Png(p, width, height, gray16))),
            ("jpeg", jpeg.ToArray()),
            ("bmp", Written(p => WriteBmp24(p, width, height, (x, y) => ((byte)x, (byte)y, (byte)(x ^ y))))),
        ];
    }

    /// <summary>One to four mutations: random bytes, an interesting 32-bit value (sizes, lengths), a cut, a repeated slice.</summary>
    private static byte[] Mutate(byte[] seed, Random random, bool fixCrcs)
    {
        var file = (byte[])seed.Clone();
        for (var m = random.Next(1, 5); m > 0; m--)
        {
            switch (random.Next(4))
            {
                case 0:
                    file[random.Next(file.Length)] = (byte)random.Next(256);
                    break;
                case 1 when file.Length >= 4:
                    BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(random.Next(file.Length - 3)), InterestingInts[random.Next(InterestingInts.Length)]);
                    break;
                case 2:
                    file = file[..random.Next(file.Length + 1)];
                    break;
                default:
                    var start = random.Next(file.Length);
                    var length = random.Next(Math.Min(64, file.Length - start) + 1);
                    file = [.. file[..start], .. file.AsSpan(start, length), .. file[start..]];
                    break;
            }

            if (file.Length == 0)
            {
                break;
            }
        }

        if (fixCrcs)
        {
            FixPngCrcs(file);
        }

        return file;
    }
}
