namespace SamMpa.Imaging.Localisation;

/// <summary>
/// One connected region of a probability map above a threshold: its bounding box (inclusive pixel coordinates
/// X0..X1, Y0..Y1), its pixel count, its probability mass (sum of p over its pixels) and its peak probability.
/// </summary>
public sealed record CandidateBox(int Label, int X0, int Y0, int X1, int Y1, int Area, double Mass, float Peak)
{
    public int Width => X1 - X0 + 1;

    public int Height => Y1 - Y0 + 1;
}
