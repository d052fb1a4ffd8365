using SamMpa.Client.Evaluation;
using SamMpa.Client.Cluster;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Phantoms;
using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.Client;

/// <summary>The dataset id of `sammpa eval` names the encoder: the same folders with and without --sam are two datasets.</summary>
public sealed class EvalDatasetIdTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-eval-id-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_same_folders_with_and_without_a_SAM_package_get_different_ids()
    {
        var (options, labeled) = Phantoms();
        var package = Path.Combine(_root, "sam");
        SamFixtureBuilder.WritePackage(package);

        var withoutSam = EvalDatasetId.Of(options, labeled);
        var withSam = EvalDatasetId.Of(options with { SamPackageDirectory = package }, labeled);

        Assert.NotEqual(withoutSam, withSam);
        Assert.Equal(withSam, EvalDatasetId.Of(options with { SamPackageDirectory = package }, labeled));
        Assert.Equal(withoutSam, EvalDatasetId.Of(options, labeled));
    }

    [Fact]
    public void A_SAM_encoder_file_makes_its_own_dataset_and_the_package_wins_over_it()
    {
        var (options, labeled) = Phantoms();
        var encoder = Path.Combine(_root, "encoder.onnx");
        SamFixtureBuilder.WriteEncoder(encoder);
        var package = Path.Combine(_root, "sam");
        SamFixtureBuilder.WritePackage(package);

        var resnet = EvalDatasetId.Of(options, labeled);
        var samEncoder = EvalDatasetId.Of(options with { SamEncoderPath = encoder }, labeled);
        var packageOnly = EvalDatasetId.Of(options with { SamPackageDirectory = package }, labeled);
        var both = EvalDatasetId.Of(options with { SamPackageDirectory = package, SamEncoderPath = encoder }, labeled);

        Assert.NotEqual(resnet, samEncoder);
        Assert.NotEqual(samEncoder, packageOnly);
        Assert.Equal(packageOnly, both);
        Assert.Equal(EvalDatasetId.DefaultEncoder, EvalDatasetId.EncoderOf(options));
    }

    [Fact]
    public void A_package_without_its_manifest_is_named_in_the_error()
    {
        var (options, labeled) = Phantoms();
        var empty = Directory.CreateDirectory(Path.Combine(_root, "not-a-package")).FullName;

        var error = Assert.Throws<FileNotFoundException>(() => EvalDatasetId.Of(options with { SamPackageDirectory = empty }, labeled));

        Assert.Contains(empty, error.Message, StringComparison.Ordinal);
    }

    private (EvalOptions Options, LabeledDataset Labeled) Phantoms()
    {
        var data = Path.Combine(_root, "data");
        PhantomDataset.Write(data, 4, size: 32);
        var options = new EvalOptions
        {
            ImagesDirectory = PhantomDataset.ImagesDirectory(data),
            MasksDirectory = PhantomDataset.MasksDirectory(data),
            OutputDirectory = Path.Combine(_root, "out"),
        };
        return (options, LabeledDataset.Open(options.ImagesDirectory, options.MasksDirectory));
    }
}
