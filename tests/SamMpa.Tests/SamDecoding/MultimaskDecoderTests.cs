using SamMpa.Imaging.Images;
using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.SamDecoding;

/// <summary>A decoder with K = 3 outputs (multimask): SamDecoder returns the mask with the highest iou_predictions.</summary>
public sealed class MultimaskDecoderTests : IDisposable
{
    private static readonly float[] Ious = [0.2f, 0.95f, 0.5f];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"sam-multimask-{Guid.NewGuid():N}");

    public MultimaskDecoderTests()
    {
        Directory.CreateDirectory(_directory);
        SamFixtureBuilder.WritePackage(_directory);
        WriteMultimaskDecoder(Path.Combine(_directory, "decoder.onnx"));
    }

    [Fact]
    public void Highest_iou_mask_is_returned()
    {
        var decoder = new SamDecoder(Imaging.Sam.SamPackage.Load(_directory));
        var prompt = new SamPrompt { Frame = new SamFrame(300, 200), Points = [(10f, 10f, SamPrompt.Foreground)] };
        using var mask = new GrayImage(256, 256);
        mask.Pixels.Fill(0.25f);

        using var without = decoder.Decode(new float[256 * 64 * 64], prompt, null);
        using var with = decoder.Decode(new float[256 * 64 * 64], prompt, mask);

        // Mask k is has_mask_input * mask_input + k; iou [0.2, 0.95, 0.5] picks k = 1.
        Assert.All(without.Pixels.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(with.Pixels.ToArray(), v => Assert.Equal(1.25f, v));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void WriteMultimaskDecoder(string path)
    {
        var g = new OnnxGraphBuilder("multimask_decoder");
        g.Input("image_embeddings", OnnxGraphBuilder.Float, "1", "256", "64", "64");
        g.Input("point_coords", OnnxGraphBuilder.Float, "1", "num_points", "2");
        g.Input("point_labels", OnnxGraphBuilder.Float, "1", "num_points");
        g.Input("mask_input", OnnxGraphBuilder.Float, "1", "1", "256", "256");
        g.Input("has_mask_input", OnnxGraphBuilder.Float, "1");
        g.Input("orig_im_size", OnnxGraphBuilder.Float, "2");
        g.Output("masks", OnnxGraphBuilder.Float, "1", "3", "256", "256");
        g.Output("iou_predictions", OnnxGraphBuilder.Float, "1", "3");
        g.Output("low_res_masks", OnnxGraphBuilder.Float, "1", "3", "256", "256");

        g.Node("Mul", "mask_term", ["mask_input", "has_mask_input"]);
        var planes = new string[Ious.Length];
        for (var k = 0; k < Ious.Length; k++)
        {
            g.Scalar($"offset_{k}", k);
            planes[k] = g.Node("Add", $"plane_{k}", ["mask_term", $"offset_{k}"]);
        }

        g.Node("Concat", "low_res_masks", planes, OnnxGraphBuilder.Int("axis", 1));
        g.Node("Identity", "masks", ["low_res_masks"]);
        g.Node("Constant", "iou_predictions", [], OnnxGraphBuilder.Tensor("value", [1, Ious.Length], Ious));
        g.Save(path);
    }
}
