using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// Prompts for SAM's ONNX decoder, in the 1024 input frame of <see cref="Frame"/>. <see cref="Points"/> holds the
/// clicks (label 1 foreground, 0 background) followed by the box corners (2 top-left, 3 bottom-right), in that order,
/// as SAM's predictor concatenates them. <see cref="MaskInput"/> is 256 x 256 logits (mask_input), or null
/// (has_mask_input = 0). The prompt does not own MaskInput: whoever created it disposes it (records copied with
/// <c>with</c> share it).
/// </summary>
public sealed record SamPrompt
{
    public const float Foreground = 1f;
    public const float Background = 0f;
    public const float BoxTopLeft = 2f;
    public const float BoxBottomRight = 3f;
    public const float Padding = -1f;

    public required SamFrame Frame { get; init; }

    /// <summary>Points in the 1024 input frame with their decoder labels.</summary>
    public required IReadOnlyList<(float X, float Y, float Label)> Points { get; init; }

    public GrayImage? MaskInput { get; init; }

    public bool HasBox => Points.Any(p => p.Label == BoxTopLeft);

    /// <summary>N of point_coords 1 x N x 2: the points, plus SAM's (0, 0, -1) padding point when there is no box.</summary>
    public int DecoderPointCount => Points.Count + (HasBox ? 0 : 1);

    /// <summary>point_coords (2N values, x then y per point) and point_labels (N values) for the decoder.</summary>
    public (float[] Coords, float[] Labels) ToDecoderArrays()
    {
        var coords = new float[2 * DecoderPointCount];
        var labels = new float[DecoderPointCount];
        WriteDecoderArrays(coords, labels);
        return (coords, labels);
    }

    /// <summary>Writes point_coords and point_labels; SAM's padding point (0, 0) label -1 is appended when there is no box.</summary>
    public void WriteDecoderArrays(Span<float> coords, Span<float> labels)
    {
        var n = DecoderPointCount;
        if (coords.Length < 2 * n || labels.Length < n)
        {
            throw new ArgumentException($"The prompt has {n} decoder points: coords need {2 * n} values and labels {n}.");
        }

        for (var i = 0; i < Points.Count; i++)
        {
            var (x, y, label) = Points[i];
            coords[2 * i] = x;
            coords[(2 * i) + 1] = y;
            labels[i] = label;
        }

        if (!HasBox)
        {
            coords[2 * Points.Count] = 0f;
            coords[(2 * Points.Count) + 1] = 0f;
            labels[Points.Count] = Padding;
        }
    }
}
