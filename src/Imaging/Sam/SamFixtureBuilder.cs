using static SamMpa.Imaging.Sam.OnnxGraphBuilder;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// Writes a small, deterministic stand-in SAM package (no real weights needed) for tests and smoke runs:
/// a pooling + 1x1-conv encoder and an analytic prompt decoder with the official SAM ONNX signature.
/// </summary>
/// <remarks>
/// <para><b>Encoder</b> ("nchw-normalized"): input <c>image</c> float [1,3,1024,1024] (batch may be symbolic, see
/// <see cref="WriteEncoder"/>) → AveragePool(k×k, stride k) → 1x1 Conv to C channels with weight
/// <see cref="EncoderWeight"/> and bias <see cref="EncoderBias"/> → <c>image_embeddings</c> [1,C,1024/k,1024/k]
/// (default k = 16, C = 256: [1,256,64,64]).</para>
/// <para><b>Decoder</b> (low-res frame 256×256, pixel (x,y) has its centre at continuous coordinate (x+0.5, y+0.5),
/// pixel x covering [x, x+1)): with X[x] = x + 0.5, Y[y] = y + 0.5 and the prompt points (px, py) in the 1024 input
/// frame (continuous coordinates, as SAM's point_coords),
/// <code>
/// low_res_masks[0,0,y,x] = has_mask_input * mask_input[0,0,y,x]
///     + Σ_i w(label_i) * A * exp(-((X[x] - px_i/4)² + (Y[y] - py_i/4)²) / (2σ²))
///     + 0 * mean(image_embeddings)
/// </code>
/// so a point at input coordinate c peaks at low-res continuous coordinate c/4, i.e. pixel-centre index c/4 - 0.5
/// (a point at 512 peaks midway between pixels 127 and 128). A = <see cref="Amplitude"/> (20), σ = <see cref="Sigma"/>
/// (6 low-res pixels). w(1) = +1 (foreground), w(0) = -1 (background), w(2) = w(3) = +1 (box corners, treated as
/// foreground points), w(-1) = 0 (padding point); any other label also weighs 0.
/// The <c>0 * mean(image_embeddings)</c> term only keeps the embeddings a live input (NaN embeddings propagate).
/// <c>iou_predictions</c> is the constant [[<see cref="Iou"/>]]; <c>masks</c> is low_res_masks resized bilinearly
/// (ONNX Resize, half_pixel) straight to orig_im_size (H, W) → [1,1,H,W]. Real SAM resizes to 1024, crops the padding
/// and then resizes; here the low-res frame is treated as covering the whole original image.</para>
/// </remarks>
public static class SamFixtureBuilder
{
    public const float Amplitude = 20f;
    public const float Sigma = 6f;
    public const float Iou = 0.9f;
    public const int EmbeddingChannels = 256;

    /// <summary>1x1 conv weight of the fixture encoder.</summary>
    public static float EncoderWeight(int outChannel, int inChannel) => ((outChannel % 17) - 8) * 0.05f * (inChannel + 1);

    /// <summary>1x1 conv bias of the fixture encoder.</summary>
    public static float EncoderBias(int outChannel) => 0.25f + (outChannel * 0.01f);

    /// <summary>Writes encoder.onnx, decoder.onnx and a matching sam.json into <paramref name="directory"/> (created if needed).</summary>
    public static void WritePackage(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var manifest = new SamPackageManifest();
        WriteEncoder(Path.Combine(directory, manifest.Encoder));
        WriteDecoder(Path.Combine(directory, manifest.Decoder));
        manifest.Save(directory);
    }

    /// <summary>Writes the fixture encoder (see the class remarks).</summary>
    /// <param name="path">Output .onnx path.</param>
    /// <param name="pool">AveragePool kernel and stride; the grid is 1024/pool.</param>
    /// <param name="outChannels">Embedding channels.</param>
    /// <param name="dynamicBatch">Declare the batch dimension as symbolic "N" instead of 1.</param>
    public static void WriteEncoder(string path, int pool = 16, int outChannels = EmbeddingChannels, bool dynamicBatch = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pool, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        var grid = (1024 / pool).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var batch = dynamicBatch ? "N" : "1";
        var g = new OnnxGraphBuilder("sam_fixture_encoder");
        g.Input("image", OnnxGraphBuilder.Float, batch, "3", "1024", "1024");
        g.Output("image_embeddings", OnnxGraphBuilder.Float, batch, outChannels.ToString(System.Globalization.CultureInfo.InvariantCulture), grid, grid);
        AddConvWeights(g, outChannels);
        g.Node("AveragePool", "pooled", ["image"], Ints("kernel_shape", pool, pool), Ints("strides", pool, pool));
        g.Node("Conv", "image_embeddings", ["pooled", "W", "B"]);
        g.Save(path);
    }

    /// <summary>
    /// Writes a fixture encoder with the "hwc-raw" layout and the preprocessing inside the graph: input
    /// <c>input_image</c> float [h,w,3] (raw 0..255 pixels, longest side 1024) → Transpose to [3,h,w] → (x - mean) / std
    /// → zero-pad bottom/right to [3,1024,1024] (pads computed from the input's shape) → Unsqueeze to [1,3,1024,1024] →
    /// the same AveragePool 16 + 1x1 Conv as <see cref="WriteEncoder"/> → <c>image_embeddings</c> [1,256,64,64].
    /// </summary>
    /// <param name="path">Output .onnx path.</param>
    /// <param name="pixelMean">Per-channel mean baked into the graph; SAM's when null.</param>
    /// <param name="pixelStd">Per-channel std baked into the graph; SAM's when null.</param>
    public static void WriteHwcRawEncoder(string path, IReadOnlyList<double>? pixelMean = null, IReadOnlyList<double>? pixelStd = null)
    {
        var defaults = new SamPackageManifest();
        var mean = pixelMean ?? defaults.PixelMean;
        var std = pixelStd ?? defaults.PixelStd;
        if (mean.Count != 3 || std.Count != 3)
        {
            throw new ArgumentException("pixel mean and std need 3 values each.");
        }

        const int Pool = 16;
        var g = new OnnxGraphBuilder("sam_fixture_hwc_raw_encoder");
        g.Input("input_image", OnnxGraphBuilder.Float, "h", "w", "3");
        g.Output("image_embeddings", OnnxGraphBuilder.Float, "1", "256", "64", "64");
        AddConvWeights(g, EmbeddingChannels);
        g.FloatInitializer("pixel_mean", [3, 1, 1], mean.Select(v => (float)v));
        g.FloatInitializer("pixel_std", [3, 1, 1], std.Select(v => (float)v));
        g.Int64Initializer("frame_size", [2], [1024, 1024]);
        g.Int64Initializer("pads_begin", [4], [0, 0, 0, 0]);
        g.Int64Initializer("hw_start", [1], [0]);
        g.Int64Initializer("hw_end", [1], [2]);
        g.Int64Initializer("hw_axis", [1], [0]);
        g.Int64Initializer("batch_axis", [1], [0]);

        g.Node("Transpose", "chw", ["input_image"], Ints("perm", 2, 0, 1));          // [3,h,w]
        g.Node("Sub", "centred", ["chw", "pixel_mean"]);
        g.Node("Div", "normalised", ["centred", "pixel_std"]);

        // pads = [0,0,0, 0,1024-h,1024-w]: zero-pad bottom/right after normalisation.
        g.Node("Shape", "input_shape", ["input_image"]);                              // [3]: h, w, 3
        g.Node("Slice", "hw", ["input_shape", "hw_start", "hw_end", "hw_axis"]);      // [2]: h, w
        g.Node("Sub", "pad_hw", ["frame_size", "hw"]);
        g.Node("Concat", "pads", ["pads_begin", "pad_hw"], Int("axis", 0));           // [6]
        g.Node("Pad", "padded", ["normalised", "pads"], Text("mode", "constant"));    // [3,1024,1024]
        g.Node("Unsqueeze", "image", ["padded", "batch_axis"]);                       // [1,3,1024,1024]

        g.Node("AveragePool", "pooled", ["image"], Ints("kernel_shape", Pool, Pool), Ints("strides", Pool, Pool));
        g.Node("Conv", "image_embeddings", ["pooled", "W", "B"]);
        g.Save(path);
    }

    /// <summary>Writes a hwc-raw fixture package: <see cref="WriteHwcRawEncoder"/>, the analytic decoder and its sam.json.</summary>
    public static void WriteHwcRawPackage(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var manifest = new SamPackageManifest { EncoderInputLayout = SamEncoderInputLayout.HwcRaw, EncoderInput = "input_image" };
        WriteHwcRawEncoder(Path.Combine(directory, manifest.Encoder), manifest.PixelMean, manifest.PixelStd);
        WriteDecoder(Path.Combine(directory, manifest.Decoder));
        manifest.Save(directory);
    }

    private static void AddConvWeights(OnnxGraphBuilder g, int outChannels)
    {
        var weights = new List<float>(outChannels * 3);
        var bias = new List<float>(outChannels);
        for (var o = 0; o < outChannels; o++)
        {
            for (var c = 0; c < 3; c++)
            {
                weights.Add(EncoderWeight(o, c));
            }

            bias.Add(EncoderBias(o));
        }

        g.FloatInitializer("W", [outChannels, 3, 1, 1], weights);
        g.FloatInitializer("B", [outChannels], bias);
    }

    /// <summary>Writes the analytic decoder (see the class remarks).</summary>
    /// <param name="path">Output .onnx path.</param>
    /// <param name="maskInputSize">
    /// Declared side of mask_input; SAM's is 256. Another size gives a deliberately non-standard decoder (mask_input is
    /// resized to 256 before it is added) for testing signature checks.
    /// </param>
    public static void WriteDecoder(string path, int maskInputSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maskInputSize, 1);
        const int Low = 256;
        var g = new OnnxGraphBuilder("sam_fixture_decoder");
        var maskSide = maskInputSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        g.Input("image_embeddings", OnnxGraphBuilder.Float, "1", "256", "64", "64");
        g.Input("point_coords", OnnxGraphBuilder.Float, "1", "num_points", "2");
        g.Input("point_labels", OnnxGraphBuilder.Float, "1", "num_points");
        g.Input("mask_input", OnnxGraphBuilder.Float, "1", "1", maskSide, maskSide);
        g.Input("has_mask_input", OnnxGraphBuilder.Float, "1");
        g.Input("orig_im_size", OnnxGraphBuilder.Float, "2");
        g.Output("masks", OnnxGraphBuilder.Float, "1", "1", "H", "W");
        g.Output("iou_predictions", OnnxGraphBuilder.Float, "1", "1");
        g.Output("low_res_masks", OnnxGraphBuilder.Float, "1", "1", "256", "256");

        var centres = Enumerable.Range(0, Low).Select(i => i + 0.5f).ToArray();
        g.FloatInitializer("grid_x", [1, 1, 1, Low], centres);
        g.FloatInitializer("grid_y", [1, 1, Low, 1], centres);
        g.Scalar("quarter", 0.25f);
        g.Scalar("neg_inv_two_sigma_sq", -1f / (2f * Sigma * Sigma));
        g.Scalar("amplitude", Amplitude);
        g.Scalar("zero", 0f);
        g.Scalar("label_bg", 0f);
        g.Scalar("label_fg", 1f);
        g.Scalar("label_box_tl", 2f);
        g.Scalar("label_box_br", 3f);
        g.Int64Initializer("start_x", [1], [0]);
        g.Int64Initializer("start_y", [1], [1]);
        g.Int64Initializer("end_y", [1], [2]);
        g.Int64Initializer("axis_2", [1], [2]);
        g.Int64Initializer("axis_1", [1], [1]);
        g.Int64Initializer("axes_3", [1], [3]);
        g.Int64Initializer("axes_2_3", [2], [2, 3]);
        g.Int64Initializer("batch_channel", [2], [1, 1]);

        // Point centres in the low-res frame, shaped [1,N,1,1].
        g.Node("Slice", "px", ["point_coords", "start_x", "start_y", "axis_2"]);   // [1,N,1]
        g.Node("Slice", "py", ["point_coords", "start_y", "end_y", "axis_2"]);     // [1,N,1]
        g.Node("Mul", "px_low", ["px", "quarter"]);
        g.Node("Mul", "py_low", ["py", "quarter"]);
        g.Node("Unsqueeze", "px4", ["px_low", "axes_3"]);
        g.Node("Unsqueeze", "py4", ["py_low", "axes_3"]);

        // Squared distance to every pixel centre: [1,N,256,256].
        g.Node("Sub", "dx", ["grid_x", "px4"]);   // [1,N,1,256]
        g.Node("Sub", "dy", ["grid_y", "py4"]);   // [1,N,256,1]
        g.Node("Mul", "dx2", ["dx", "dx"]);
        g.Node("Mul", "dy2", ["dy", "dy"]);
        g.Node("Add", "d2", ["dx2", "dy2"]);
        g.Node("Mul", "exponent", ["d2", "neg_inv_two_sigma_sq"]);
        g.Node("Exp", "bumps", ["exponent"]);

        // w(label): +1 for 1, 2, 3; -1 for 0; 0 otherwise (-1 = padding).
        g.Node("Equal", "is_fg", ["point_labels", "label_fg"]);
        g.Node("Equal", "is_tl", ["point_labels", "label_box_tl"]);
        g.Node("Equal", "is_br", ["point_labels", "label_box_br"]);
        g.Node("Equal", "is_bg", ["point_labels", "label_bg"]);
        g.Node("Cast", "fg", ["is_fg"], Int("to", OnnxGraphBuilder.Float));
        g.Node("Cast", "tl", ["is_tl"], Int("to", OnnxGraphBuilder.Float));
        g.Node("Cast", "br", ["is_br"], Int("to", OnnxGraphBuilder.Float));
        g.Node("Cast", "bg", ["is_bg"], Int("to", OnnxGraphBuilder.Float));
        g.Node("Add", "fg_tl", ["fg", "tl"]);
        g.Node("Add", "positive", ["fg_tl", "br"]);
        g.Node("Sub", "weight", ["positive", "bg"]);                   // [1,N]
        g.Node("Mul", "scaled_weight", ["weight", "amplitude"]);
        g.Node("Unsqueeze", "weight4", ["scaled_weight", "axes_2_3"]); // [1,N,1,1]
        g.Node("Mul", "weighted", ["bumps", "weight4"]);
        g.Node("ReduceSum", "points_term", ["weighted", "axis_1"], Int("keepdims", 1)); // [1,1,256,256]

        // has_mask_input * mask_input (resized to 256 only for the deliberately non-standard variant).
        var mask = "mask_input";
        if (maskInputSize != Low)
        {
            g.Int64Initializer("low_res_size", [4], [1, 1, Low, Low]);
            mask = g.Node("Resize", "mask_low", ["mask_input", string.Empty, string.Empty, "low_res_size"], Text("mode", "linear"));
        }

        g.Node("Mul", "mask_term", [mask, "has_mask_input"]);

        // Keep image_embeddings a live input: 0 * mean(image_embeddings).
        g.Node("ReduceMean", "embedding_mean", ["image_embeddings"], Int("keepdims", 0));
        g.Node("Mul", "embedding_guard", ["embedding_mean", "zero"]);

        g.Node("Add", "points_and_mask", ["points_term", "mask_term"]);
        g.Node("Add", "low_res_masks", ["points_and_mask", "embedding_guard"]);

        g.Node("Constant", "iou_predictions", [], Tensor("value", [1, 1], [Iou]));

        // masks: bilinear resize of low_res_masks to [1,1,H,W] with (H,W) = orig_im_size.
        g.Node("Cast", "orig_size_int", ["orig_im_size"], Int("to", OnnxGraphBuilder.Int64));
        g.Node("Concat", "masks_size", ["batch_channel", "orig_size_int"], Int("axis", 0));
        g.Node("Resize", "masks", ["low_res_masks", string.Empty, string.Empty, "masks_size"], Text("mode", "linear"));
        g.Save(path);
    }
}
