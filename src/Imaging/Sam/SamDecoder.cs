using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// Runs the prompt decoder of a <see cref="SamPackage"/> once: image embedding + <see cref="SamPrompt"/> (+ optional
/// 256 x 256 mask prompt) to SAM's 256 x 256 low-resolution mask logits (<c>low_res_masks</c>) in the padded 1024 frame.
/// </summary>
/// <remarks>
/// Inputs are passed by the manifest's names: image_embeddings [1,C,H,W], point_coords [1,N,2], point_labels [1,N]
/// (<see cref="SamPrompt.WriteDecoderArrays"/>, padding point included), mask_input [1,1,256,256] (zeros when there is
/// no mask prompt), has_mask_input [1], orig_im_size [2] = (height, width). Only low_res_masks and iou_predictions are
/// requested, so the decoder never materialises the full-size <c>masks</c> output we do not use.
/// All buffers are rented from the shared array pool and wrapped by <see cref="OrtValue"/>s over managed memory; every
/// OrtValue and RunOptions is disposed. The decoder holds no mutable state and ONNX Runtime's Run is thread-safe, so
/// concurrent <see cref="Decode"/> calls on one instance (and the shared session) are fine.
/// </remarks>
public sealed class SamDecoder
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _embeddingShape;
    private readonly int _maskSize;

    public SamDecoder(SamPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var manifest = package.Manifest;
        if (manifest.MaskSize != SamFrame.LowResSize)
        {
            throw new ArgumentException(
                $"The SAM package's mask_size is {manifest.MaskSize}; the decoder needs {SamFrame.LowResSize} (SAM's low-res mask frame).",
                nameof(package));
        }

        _session = package.Decoder;
        var inputs = manifest.DecoderInputs;
        _inputNames = [inputs.ImageEmbeddings, inputs.PointCoords, inputs.PointLabels, inputs.MaskInput, inputs.HasMaskInput, inputs.OrigImSize];
        _outputNames = [manifest.DecoderOutputs.LowResMasks, manifest.DecoderOutputs.IouPredictions];
        _embeddingShape = [1, manifest.EmbeddingShape[0], manifest.EmbeddingShape[1], manifest.EmbeddingShape[2]];
        EmbeddingLength = manifest.EmbeddingShape[0] * manifest.EmbeddingShape[1] * manifest.EmbeddingShape[2];
        _maskSize = manifest.MaskSize;
    }

    /// <summary>Number of floats of one image embedding (256 * 64 * 64 for SAM).</summary>
    public int EmbeddingLength { get; }

    /// <summary>
    /// Decodes once and returns the 256 x 256 low_res_masks logits (the caller disposes the image). When the decoder
    /// outputs K &gt; 1 masks (multimask output), the one with the highest iou_predictions is returned (first on ties).
    /// </summary>
    /// <param name="imageEmbedding">The image's embedding, exactly <see cref="EmbeddingLength"/> floats (C x H x W).</param>
    /// <param name="prompt">Points/box in the 1024 frame and the frame (orig_im_size). Its own MaskInput is ignored here:
    /// the mask prompt is <paramref name="maskInput"/>.</param>
    /// <param name="maskInput">256 x 256 mask logits (has_mask_input = 1), or null (zeros, has_mask_input = 0).</param>
    /// <exception cref="ArgumentException">Wrong embedding length or mask size.</exception>
    public GrayImage Decode(ReadOnlySpan<float> imageEmbedding, SamPrompt prompt, GrayImage? maskInput)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (imageEmbedding.Length != EmbeddingLength)
        {
            throw new ArgumentException(
                $"The image embedding has {imageEmbedding.Length} values; the SAM decoder needs {EmbeddingLength} " +
                $"({_embeddingShape[1]}x{_embeddingShape[2]}x{_embeddingShape[3]}).",
                nameof(imageEmbedding));
        }

        if (maskInput is not null && (maskInput.Width != _maskSize || maskInput.Height != _maskSize))
        {
            throw new ArgumentException(
                $"The mask prompt is {maskInput.Width}x{maskInput.Height}; SAM's mask_input is {_maskSize}x{_maskSize} logits.",
                nameof(maskInput));
        }

        var n = prompt.DecoderPointCount;
        var maskLength = _maskSize * _maskSize;
        var pool = ArrayPool<float>.Shared;
        var embedding = pool.Rent(EmbeddingLength);
        var coords = pool.Rent(2 * n);
        var labels = pool.Rent(n);
        var mask = pool.Rent(maskLength);
        var small = pool.Rent(3);
        var values = new OrtValue?[6];
        try
        {
            imageEmbedding.CopyTo(embedding);
            prompt.WriteDecoderArrays(coords.AsSpan(0, 2 * n), labels.AsSpan(0, n));
            if (maskInput is null)
            {
                mask.AsSpan(0, maskLength).Clear();
            }
            else
            {
                maskInput.Pixels.CopyTo(mask);
            }

            small[0] = maskInput is null ? 0f : 1f;
            small[1] = prompt.Frame.Height;
            small[2] = prompt.Frame.Width;

            var info = OrtMemoryInfo.DefaultInstance;
            values[0] = OrtValue.CreateTensorValueFromMemory(info, embedding.AsMemory(0, EmbeddingLength), _embeddingShape);
            values[1] = OrtValue.CreateTensorValueFromMemory(info, coords.AsMemory(0, 2 * n), [1, n, 2]);
            values[2] = OrtValue.CreateTensorValueFromMemory(info, labels.AsMemory(0, n), [1, n]);
            values[3] = OrtValue.CreateTensorValueFromMemory(info, mask.AsMemory(0, maskLength), [1, 1, _maskSize, _maskSize]);
            values[4] = OrtValue.CreateTensorValueFromMemory(info, small.AsMemory(0, 1), [1]);
            values[5] = OrtValue.CreateTensorValueFromMemory(info, small.AsMemory(1, 2), [2]);

            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _inputNames, values!, _outputNames);
            return Pick(outputs[0], outputs[1]);
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }

            pool.Return(small);
            pool.Return(mask);
            pool.Return(labels);
            pool.Return(coords);
            pool.Return(embedding);
        }
    }

    /// <summary>The low-res mask with the highest predicted IoU (the only one when K = 1).</summary>
    private GrayImage Pick(OrtValue lowResMasks, OrtValue iouPredictions)
    {
        var plane = _maskSize * _maskSize;
        var data = lowResMasks.GetTensorDataAsSpan<float>();
        if (data.Length == 0 || data.Length % plane != 0)
        {
            throw new InvalidOperationException(
                $"SAM decoder output '{_outputNames[0]}' has {data.Length} values; expected K x {_maskSize}x{_maskSize}.");
        }

        var k = data.Length / plane;
        var best = 0;
        if (k > 1)
        {
            var iou = iouPredictions.GetTensorDataAsSpan<float>();
            if (iou.Length != k)
            {
                throw new InvalidOperationException(
                    $"SAM decoder output '{_outputNames[1]}' has {iou.Length} values for {k} masks.");
            }

            for (var i = 1; i < k; i++)
            {
                if (iou[i] > iou[best])
                {
                    best = i;
                }
            }
        }

        var result = new GrayImage(_maskSize, _maskSize);
        data.Slice(best * plane, plane).CopyTo(result.Pixels);
        return result;
    }
}
