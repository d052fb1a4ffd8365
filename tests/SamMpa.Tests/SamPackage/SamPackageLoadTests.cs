using System.Text.Json.Nodes;
using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.SamPackage;

public sealed class SamPackageLoadTests
{
    [Fact]
    public void Missing_manifest_is_named()
    {
        using var dir = new TempPackage(write: false);

        var ex = Assert.Throws<FileNotFoundException>(() => Imaging.Sam.SamPackage.Load(dir.Directory));

        Assert.Contains(dir.PathOf("sam.json"), ex.Message, StringComparison.Ordinal);
        Assert.Equal(dir.PathOf("sam.json"), ex.FileName);
    }

    [Fact]
    public void Missing_decoder_is_named()
    {
        using var dir = new TempPackage();
        File.Delete(dir.PathOf("decoder.onnx"));

        var ex = Assert.Throws<FileNotFoundException>(() => Imaging.Sam.SamPackage.Load(dir.Directory));

        Assert.Contains(dir.PathOf("decoder.onnx"), ex.Message, StringComparison.Ordinal);
        Assert.Equal(dir.PathOf("decoder.onnx"), ex.FileName);
    }

    [Fact]
    public void Missing_encoder_is_named()
    {
        using var dir = new TempPackage();
        File.Delete(dir.PathOf("encoder.onnx"));

        var ex = Assert.Throws<FileNotFoundException>(() => Imaging.Sam.SamPackage.Load(dir.Directory));

        Assert.Contains(dir.PathOf("encoder.onnx"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_manifest_names_the_file_and_the_problem()
    {
        using var dir = new TempPackage();
        File.WriteAllText(dir.PathOf("sam.json"), "{ \"image_size\": \"big\" }");

        var ex = Assert.Throws<InvalidDataException>(() => Imaging.Sam.SamPackage.Load(dir.Directory));

        Assert.Contains(dir.PathOf("sam.json"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("image_size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Impossible_manifest_values_are_listed()
    {
        using var dir = new TempPackage();
        File.WriteAllText(dir.PathOf("sam.json"), "{ \"pixel_mean\": [1, 2], \"mask_size\": 0 }");

        var ex = Assert.Throws<InvalidDataException>(() => Imaging.Sam.SamPackage.Load(dir.Directory));

        Assert.Contains("pixel_mean needs 3 values", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mask_size must be positive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_round_trips_with_snake_case_names()
    {
        var manifest = new SamPackageManifest { EncoderInputLayout = SamEncoderInputLayout.HwcRaw, EncoderInput = "input_image" };
        var json = manifest.ToJson();

        Assert.Contains("\"encoder_input_layout\": \"hwc-raw\"", json, StringComparison.Ordinal);
        Assert.Contains("\"has_mask_input\": \"has_mask_input\"", json, StringComparison.Ordinal);
        Assert.Contains("\"low_res_masks\": \"low_res_masks\"", json, StringComparison.Ordinal);
        using var dir = new TempPackage(write: false);
        manifest.Save(dir.Directory);
        var read = SamPackageManifest.Read(dir.Directory);
        Assert.Equal(SamEncoderInputLayout.HwcRaw, read.EncoderInputLayout);
        Assert.Equal("input_image", read.EncoderInput);
        Assert.Equal(manifest.DecoderInputs, read.DecoderInputs);
    }

    [Fact]
    public void Renamed_nodes_in_the_manifest_are_each_listed()
    {
        using var dir = new TempPackage();
        var json = JsonNode.Parse(File.ReadAllText(dir.PathOf("sam.json")))!;
        json["encoder_output"] = "features";
        json["decoder_inputs"]!["point_coords"] = "coords";
        json["decoder_outputs"]!["low_res_masks"] = "logits";
        json["mask_size"] = 128;
        File.WriteAllText(dir.PathOf("sam.json"), json.ToJsonString());

        var ex = Assert.Throws<SamPackageException>(() => Imaging.Sam.SamPackage.Load(dir.Directory));

        string[] expected =
        [
            "encoder output 'features' missing",
            "decoder input 'coords' missing",
            "decoder input 'point_coords' is not in sam.json",
            "decoder input 'mask_input': expected float [1,1,128,128], found float [1,1,256,256]",
            "decoder output 'logits' missing",
        ];
        var lines = ex.Message.Split(Environment.NewLine);
        foreach (var line in expected)
        {
            Assert.Contains(line, lines);
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), ex.Differences.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Decoder_with_wrong_mask_input_shape_is_reported()
    {
        using var dir = new TempPackage();
        SamFixtureBuilder.WriteDecoder(dir.PathOf("other-decoder.onnx"), maskInputSize: 128);
        var json = JsonNode.Parse(File.ReadAllText(dir.PathOf("sam.json")))!;
        json["decoder"] = "other-decoder.onnx";
        json["encoder_input_layout"] = "hwc-raw";
        File.WriteAllText(dir.PathOf("sam.json"), json.ToJsonString());

        var ex = Assert.Throws<SamPackageException>(() => Imaging.Sam.SamPackage.Load(dir.Directory));

        string[] expected =
        [
            "encoder input 'image': expected float [?,?,3], found float [1,3,1024,1024]",
            "decoder input 'mask_input': expected float [1,1,256,256], found float [1,1,128,128]",
        ];
        Assert.Equal(expected, ex.Differences);
        foreach (var line in expected)
        {
            Assert.Contains(line, ex.Message, StringComparison.Ordinal);
        }
    }
}
