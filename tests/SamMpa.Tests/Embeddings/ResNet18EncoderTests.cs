using SamMpa.Imaging.Embeddings;

namespace SamMpa.Tests.Embeddings;

public sealed class ResNet18EncoderTests
{
    [Fact]
    public void Encodes_512_finite_varied_values_with_model_based_id()
    {
        using var encoder = new ResNet18Encoder();
        using var image = TestImages.Disc();

        var features = encoder.Encode(image);

        Assert.Equal(512, encoder.Dimension);
        Assert.Equal(512, features.Length);
        Assert.All(features, v => Assert.True(float.IsFinite(v)));
        Assert.True(features.Distinct().Count() > 10, "features should not be (nearly) all equal");
        Assert.Matches("^resnet18-[0-9a-f]{12}$", encoder.Id);
    }

    [Fact]
    public void Same_image_gives_identical_features_also_concurrently_and_in_batches()
    {
        using var encoder = new ResNet18Encoder();
        using var image = TestImages.Disc();
        var reference = encoder.Encode(image);

        var parallel = new float[6][];
        Parallel.For(0, parallel.Length, i => parallel[i] = encoder.Encode(image));
        var batch = encoder.EncodeBatch([image, image]);

        Assert.All(parallel, f => Assert.Equal(reference, f));
        Assert.All(batch, f => Assert.Equal(reference, f));
    }

    [Fact]
    public void Shifted_brightened_copy_is_closer_than_a_different_image()
    {
        using var encoder = new ResNet18Encoder();
        using var original = TestImages.Disc();
        using var similar = TestImages.Disc(shiftX: 4, shiftY: -3, brightness: 15);
        using var different = TestImages.Stripes();

        var a = encoder.Encode(original);
        var b = encoder.Encode(similar);
        var c = encoder.Encode(different);

        Assert.True(TestImages.Cosine(a, b) > TestImages.Cosine(a, c), $"cos(similar)={TestImages.Cosine(a, b)}, cos(different)={TestImages.Cosine(a, c)}");
    }

    [Fact]
    public void Missing_model_folder_names_the_path()
    {
        var folder = Path.Combine(Path.GetTempPath(), "no-such-models-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<FileNotFoundException>(() => new ResNet18Encoder(folder));
        Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_without_sam_path_gives_resnet()
    {
        using var encoder = EncoderFactory.Create(null, Device.Cpu, null);
        Assert.IsType<ResNet18Encoder>(encoder);
    }
}
