using System.Buffers.Binary;
using SamMpa.Imaging.Images;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// A labelled phantom folder as DICOM: each phantom PNG turned into a 16-bit instance by the toolkits (gdcmimg, dcmconv,
/// dcmodify; the PNG's levels exactly, v * 257), two of them as the frames of one multi-frame instance (masks
/// <c>multi-f001.png</c>, <c>multi-f002.png</c>), and the bad-DICOM matrix beside them: one file each that is not DICOM,
/// truncated, without pixel data, of an unsupported transfer syntax, colour, and of a huge declared size.
/// </summary>
internal sealed class DicomPhantomFolder : IDisposable
{
    public const int Size = 64;

    /// <summary>Phantoms made single-frame instances ({stem}.dcm).</summary>
    public const int SingleFrames = 5;

    /// <summary>Each bad file, and what its refusal says.</summary>
    public static readonly IReadOnlyList<(string File, string Reason)> BadFiles =
    [
        ("not-dicom.dcm", "not a DICOM Part-10 file"),
        ("truncated.dcm", "truncated file"),
        ("no-pixels.dcm", "no Pixel Data (7FE0,0010)"),
        ("big-endian.dcm", "unsupported transfer syntax Explicit VR Big Endian (1.2.840.10008.1.2.2)"),
        ("colour.dcm", "colour image (3 samples per pixel, RGB)"),
        ("huge.dcm", "declares frames of 60000x60000 pixels"),
    ];

    private readonly string _work;

    private DicomPhantomFolder(PhantomDataset phantoms)
    {
        Phantoms = phantoms;
        _work = Path.Combine(phantoms.Root, "dicom-work");
        Directory.CreateDirectory(_work);
    }

    public PhantomDataset Phantoms { get; }

    public string ImagesDirectory => Phantoms.ImagesDirectory;

    public string MasksDirectory => Phantoms.MasksDirectory;

    /// <summary>The source instance file of each image name the dataset will have.</summary>
    public Dictionary<string, string> SourceOf { get; } = new(StringComparer.Ordinal);

    /// <param name="bad">The bad files to put beside the good ones (by file name, from <see cref="BadFiles"/>); all when null.</param>
    public static async Task<DicomPhantomFolder> CreateAsync(IReadOnlyCollection<string>? bad = null)
    {
        var folder = new DicomPhantomFolder(new PhantomDataset(count: SingleFrames + 2, size: Size));
        try
        {
            await folder.WriteAsync(bad ?? BadFiles.Select(b => b.File).ToArray());
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public void Dispose() => Phantoms.Dispose();

    private async Task WriteAsync(IReadOnlyCollection<string> bad)
    {
        var files = new DicomTestFiles(_work);
        for (var i = 0; i < SingleFrames; i++)
        {
            var name = PhantomDataset.Name(i);
            var stem = Path.GetFileNameWithoutExtension(name);
            var made = await files.Native16Async(stem, Levels(name), Size, Size, "-i", "(0008,0080)=Phantom Hospital", "-i", "(0008,0070)=Phantom Scanners");
            Place(made, $"{stem}.dcm", name);
        }

        // Phantoms 5 and 6 become the two frames of one instance; their masks are the frames' images' masks.
        var pixelData = Path.Combine(_work, "multi.raw");
        await File.WriteAllBytesAsync(pixelData, [.. LittleEndian(Levels(PhantomDataset.Name(SingleFrames))), .. LittleEndian(Levels(PhantomDataset.Name(SingleFrames + 1)))]);
        var multi = await files.Native16Async(
            "multi", Levels(PhantomDataset.Name(SingleFrames)), Size, Size,
            "-i", "(0028,0008)=2", "-mf", $"(7fe0,0010)={pixelData}", "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.7.3");
        for (var frame = 0; frame < 2; frame++)
        {
            var phantom = PhantomDataset.Name(SingleFrames + frame);
            var image = $"multi-f{frame + 1:D3}.png";
            File.Move(Path.Combine(MasksDirectory, phantom), Path.Combine(MasksDirectory, image));
            File.Delete(Path.Combine(ImagesDirectory, phantom));
            SourceOf[image] = Path.Combine(ImagesDirectory, "multi.dcm");
        }

        File.Copy(multi, Path.Combine(ImagesDirectory, "multi.dcm"));
        await WriteBadAsync(files, bad);
    }

    private async Task WriteBadAsync(DicomTestFiles files, IReadOnlyCollection<string> bad)
    {
        foreach (var name in bad)
        {
            await WriteBadFileAsync(files, name, Path.Combine(ImagesDirectory, name));
        }
    }

    /// <summary>Writes the bad file <paramref name="name"/> of <see cref="BadFiles"/> at <paramref name="target"/>, made in <paramref name="files"/>' folder.</summary>
    public static async Task WriteBadFileAsync(DicomTestFiles files, string name, string target)
    {
        switch (name)
        {
            case "not-dicom.dcm":
                await File.WriteAllTextAsync(target, "a report, not an image\n");
                break;
            case "truncated.dcm":
                var whole = await File.ReadAllBytesAsync(await files.Native16Async("whole", DicomTestFiles.Pattern16()));
                await File.WriteAllBytesAsync(target, whole.AsSpan(0, whole.Length - 1000).ToArray());
                break;
            case "no-pixels.dcm":
                File.Copy(await files.Native16Async("no-pixels", DicomTestFiles.Pattern16(), "-e", "(7fe0,0010)"), target);
                break;
            case "big-endian.dcm":
                File.Copy(await files.ConvertAsync(await files.Native16Async("little", DicomTestFiles.Pattern16()), "big", "dcmconv", "+tb"), target);
                break;
            case "colour.dcm":
                File.Copy(await files.ColourAsync("colour"), target);
                break;
            case "huge.dcm":
                File.Copy(await files.Native16Async("huge", DicomTestFiles.Pattern16(), "-m", "(0028,0010)=60000", "-m", "(0028,0011)=60000"), target);
                break;
            default:
                throw new ArgumentException($"no bad file {name}", nameof(name));
        }
    }

    // The phantom PNG's instance replaces it in the images folder; its mask keeps its name ({stem}.png).
    private void Place(string made, string fileName, string phantom)
    {
        var target = Path.Combine(ImagesDirectory, fileName);
        File.Copy(made, target);
        File.Delete(Path.Combine(ImagesDirectory, phantom));
        SourceOf[phantom] = target;
    }

    /// <summary>The phantom's 8-bit levels as 16-bit samples (v * 257: the same levels read back).</summary>
    private ushort[] Levels(string phantom)
    {
        using var image = ImageFile.Read(Path.Combine(ImagesDirectory, phantom));
        return image.Pixels.ToArray().Select(v => Png16Encoder.Sample(v)).ToArray();
    }

    private static byte[] LittleEndian(ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        return bytes;
    }
}
