using System.Text.Json.Nodes;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Sam;
using SamMpa.Tests.SamPackage;

namespace SamMpa.Tests.Embeddings;

/// <summary>SamImageEncoder built from a SAM package: manifest names, pixel mean/std and the hwc-raw layout.</summary>
public sealed class SamPackageEncoderTests
{
    [Fact]
    public void Default_package_encoder_matches_path_encoder()
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);
        using var fromPackage = new SamImageEncoder(package);
        using var fromPath = new SamImageEncoder(package.EncoderPath);
        using var image = TestImages.Disc(512, 256);

        Assert.Equal(fromPath.Id, fromPackage.Id);
        Assert.Matches("^sam-[0-9a-f]{12}$", fromPackage.Id);
        Assert.Equal(SamEncoderInputLayout.NchwNormalized, fromPackage.Layout);
        Assert.Equal(fromPath.Encode(image), fromPackage.Encode(image));
    }

    [Fact]
    public void Different_pixel_mean_changes_id_and_embeddings()
    {
        using var sam = new TempPackage();
        using var other = new TempPackage();
        var json = JsonNode.Parse(File.ReadAllText(other.PathOf("sam.json")))!;
        json["pixel_mean"] = new JsonArray(100.0, 100.0, 100.0);
        File.WriteAllText(other.PathOf("sam.json"), json.ToJsonString());

        using var samEncoder = new SamImageEncoder(Imaging.Sam.SamPackage.Load(sam.Directory));
        using var otherEncoder = new SamImageEncoder(Imaging.Sam.SamPackage.Load(other.Directory));
        using var image = TestImages.Disc(512, 256);

        Assert.NotEqual(samEncoder.Id, otherEncoder.Id);
        Assert.StartsWith(samEncoder.Id + "-", otherEncoder.Id, StringComparison.Ordinal);
        Assert.Matches("^sam-[0-9a-f]{12}-[0-9a-f]{8}$", otherEncoder.Id);

        var a = samEncoder.Encode(image);
        var b = otherEncoder.Encode(image);
        var maxDifference = a.Zip(b, (x, y) => MathF.Abs(x - y)).Max();
        Assert.True(maxDifference > 0.01f, $"embeddings differ by at most {maxDifference}");
    }

    [Fact]
    public void Hwc_raw_fixture_gives_the_nchw_fixture_embedding()
    {
        using var nchw = new TempPackage();
        using var hwc = new TempPackage(write: false);
        SamFixtureBuilder.WriteHwcRawPackage(hwc.Directory);

        var hwcPackage = Imaging.Sam.SamPackage.Load(hwc.Directory);
        Assert.Equal(SamEncoderInputLayout.HwcRaw, hwcPackage.Manifest.EncoderInputLayout);
        using var nchwEncoder = new SamImageEncoder(Imaging.Sam.SamPackage.Load(nchw.Directory));
        using var hwcEncoder = new SamImageEncoder(hwcPackage);
        using var image = TestImages.Disc(512, 256);

        Assert.Equal(SamEncoderInputLayout.HwcRaw, hwcEncoder.Layout);
        Assert.False(hwcEncoder.SupportsBatch);
        Assert.NotEqual(nchwEncoder.Id, hwcEncoder.Id);

        var expected = nchwEncoder.Encode(image);
        var actual = hwcEncoder.Encode(image);
        Assert.Equal(SamImageEncoder.EmbeddingLength, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-3f, $"value {i}: {expected[i]} vs {actual[i]}");
        }

        // The padding rows differ from the content rows, so the comparison covers both.
        Assert.NotEqual(expected[(10 * 64) + 10], expected[(50 * 64) + 10]);

        var batch = hwcEncoder.EncodeBatch([image, image]);
        Assert.Equal(2, batch.Count);
        Assert.Equal(actual, batch[1]);
    }
}
