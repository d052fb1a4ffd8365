namespace SamMpa.Imaging.Sam;

/// <summary>The minimal bounding box of a binary mask, in SAM's convention: pixel indices, inclusive.</summary>
internal static class MaskBounds
{
    public static bool TryFind(ReadOnlySpan<bool> binary, int width, out (int X0, int Y0, int X1, int Y1) box)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (var i = 0; i < binary.Length; i++)
        {
            if (binary[i])
            {
                var x = i % width;
                var y = i / width;
                x0 = Math.Min(x0, x);
                x1 = Math.Max(x1, x);
                y0 = Math.Min(y0, y);
                y1 = Math.Max(y1, y);
            }
        }

        box = (x0, y0, x1, y1);
        return x1 >= 0;
    }
}
