using SamMpa.Dicom;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// One test per transfer syntax: a 16-bit instance made by the toolkits, converted by their encoders, read back with
/// every pixel equal to the source (lossless syntaxes) or close to it (JPEG baseline, 8-bit).
/// </summary>
public sealed class DicomTransferSyntaxTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly DicomTestFiles _files;

    public DicomTransferSyntaxTests()
    {
        _files = new DicomTestFiles(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string, string[]> LosslessConversions => new()
    {
        { DicomTransferSyntax.ExplicitVrLittleEndianUid, "dcmconv", ["+te"] },
        { DicomTransferSyntax.ImplicitVrLittleEndianUid, "dcmconv", ["+ti"] },
        { DicomTransferSyntax.DeflatedExplicitVrLittleEndianUid, "dcmconv", ["+td"] },
        { "1.2.840.10008.1.2.5", "dcmcrle", [] },
        { "1.2.840.10008.1.2.4.70", "dcmcjpeg", ["+e1"] },
        { "1.2.840.10008.1.2.4.57", "dcmcjpeg", ["+el"] },
        { "1.2.840.10008.1.2.4.80", "dcmcjpls", ["+el"] },
        { "1.2.840.10008.1.2.4.90", "gdcmconv", ["--j2k"] },
    };

    [DicomToolsTheory]
    [MemberData(nameof(LosslessConversions))]
    public async Task A_lossless_syntax_gives_back_every_16_bit_value(string syntaxUid, string encoder, string[] arguments)
    {
        var source = DicomTestFiles.Pattern16();
        var native = await _files.Native16Async("source", source);
        var encoded = await _files.ConvertAsync(native, "encoded", encoder, arguments);

        using var instance = await new DicomImageReader().ReadAsync(encoded);

        Assert.Equal(syntaxUid, instance.Header.TransferSyntax.Uid);
        var frame = Assert.Single(instance.Frames);
        Assert.Equal((DicomTestFiles.Width, DicomTestFiles.Height), (frame.Width, frame.Height));
        AssertSixteenBitValues(source, frame.Pixels.ToArray());
    }

    [DicomToolsFact]
    public async Task Jpeg_baseline_gives_back_an_8_bit_image_within_the_codec_error()
    {
        var source = DicomTestFiles.Ramp8();
        var native = await _files.Native8Async("source", source);
        var encoded = await _files.ConvertAsync(native, "baseline", "dcmcjpeg", "+eb");

        using var instance = await new DicomImageReader().ReadAsync(encoded);

        Assert.Equal("1.2.840.10008.1.2.4.50", instance.Header.TransferSyntax.Uid);
        var pixels = Assert.Single(instance.Frames).Pixels.ToArray();
        var meanError = pixels.Select((value, i) => Math.Abs(value - source[i])).Average();
        Assert.True(meanError < 2, $"mean absolute error {meanError:0.###} on a 0..255 scale");
    }

    [DicomToolsFact]
    public async Task An_8_bit_native_image_keeps_its_values()
    {
        var source = DicomTestFiles.Ramp8();
        var native = await _files.Native8Async("source", source);

        using var instance = await new DicomImageReader().ReadAsync(native);

        Assert.Equal(source.Select(value => (float)value), Assert.Single(instance.Frames).Pixels.ToArray());
    }

    /// <summary>The 16-bit form of a GrayImage is value / 257: every source value must come back exactly.</summary>
    internal static void AssertSixteenBitValues(ushort[] expected, float[] pixels)
    {
        Assert.Equal(expected.Length, pixels.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var value = pixels[i] * 257.0;
            Assert.True(Math.Abs(value - expected[i]) < 1e-2, $"pixel {i}: {value:0.###} read, {expected[i]} written");
        }
    }
}
