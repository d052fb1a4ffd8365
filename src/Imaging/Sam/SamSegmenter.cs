using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// Stage SEG + PR of method.md: SAM decodes the prompt (points, box, mask prompt), then post-refinement feeds SAM's
/// own low-resolution logits back as the mask prompt <c>refine</c> times, with the same points and box.
/// </summary>
public static class SamSegmenter
{
    /// <summary>
    /// Decodes <paramref name="prompt"/> with its <see cref="SamPrompt.MaskInput"/> as the mask prompt (none when null),
    /// then <paramref name="refine"/> more times with the previous low_res_masks as mask_input (has_mask_input = 1).
    /// Returns the final logits at the frame's original size (<see cref="SamFrame.LowResLogitsToOriginal"/>); the
    /// caller thresholds at &gt; 0 and disposes the image. Intermediate low-res logits are disposed; the prompt's
    /// MaskInput is not (the prompt does not own it).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="refine"/> is negative.</exception>
    public static GrayImage Segment(SamDecoder decoder, ReadOnlySpan<float> imageEmbedding, SamPrompt prompt, int refine)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(prompt);
        if (refine < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(refine), refine, $"--refine must be 0 or more, not {refine}.");
        }

        var lowRes = decoder.Decode(imageEmbedding, prompt, prompt.MaskInput);
        try
        {
            for (var i = 0; i < refine; i++)
            {
                var next = decoder.Decode(imageEmbedding, prompt, lowRes);
                lowRes.Dispose();
                lowRes = next;
            }

            return prompt.Frame.LowResLogitsToOriginal(lowRes);
        }
        finally
        {
            lowRes.Dispose();
        }
    }
}
