using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// Moves a support's mask to a box found on the query: the part of the support's mask inside the support's target box
/// is scaled (bilinear) to fill the query's box, on a query-sized canvas. The shape comes from the support, the place
/// and size from the map.
/// </summary>
public static class BoxTransfer
{
    /// <param name="supportMask">The support's mask (0..1).</param>
    /// <param name="supportBox">The support target's box in the support's pixels (e.g. its mask's bounding box).</param>
    /// <param name="queryBox">Where the target is on the query.</param>
    public static GrayImage Place(GrayImage supportMask, CandidateBox supportBox, CandidateBox queryBox, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(supportMask);
        ArgumentNullException.ThrowIfNull(supportBox);
        ArgumentNullException.ThrowIfNull(queryBox);
        using var crop = new GrayImage(supportBox.Width, supportBox.Height);
        for (var y = 0; y < supportBox.Height; y++)
        {
            for (var x = 0; x < supportBox.Width; x++)
            {
                crop[x, y] = supportMask[supportBox.X0 + x, supportBox.Y0 + y];
            }
        }

        using var scaled = Resampler.Bilinear(crop, queryBox.Width, queryBox.Height);
        var result = new GrayImage(width, height);
        for (var y = 0; y < queryBox.Height; y++)
        {
            var ty = queryBox.Y0 + y;
            if (ty < 0 || ty >= height)
            {
                continue;
            }

            for (var x = 0; x < queryBox.Width; x++)
            {
                var tx = queryBox.X0 + x;
                if (tx >= 0 && tx < width)
                {
                    result[tx, ty] = scaled[x, y];
                }
            }
        }

        return result;
    }

    /// <summary>The bounding box of a mask's pixels above 0.5, or null when it has none.</summary>
    public static CandidateBox? BoundsOf(GrayImage mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return CandidateBoxes.Find(mask, 0.5f) switch
        {
            { Count: 0 } => null,
            var boxes => new CandidateBox(
                0, boxes.Min(b => b.X0), boxes.Min(b => b.Y0), boxes.Max(b => b.X1), boxes.Max(b => b.Y1), boxes.Sum(b => b.Area), boxes.Sum(b => b.Mass), boxes.Max(b => b.Peak)),
        };
    }
}
