namespace SamMpa.Imaging.Selection;

/// <summary>
/// The outcome of support selection: the chosen samples and, for every sample, the support it belongs to.
/// </summary>
/// <param name="Supports">Indices of the support samples, in the order they were chosen.</param>
/// <param name="Assignment">For each sample, the position in <see cref="Supports"/> of its support; a support is assigned to itself.</param>
/// <param name="Rounds">k-medoids rounds run (0 when no clustering ran).</param>
public sealed record SupportSelection(IReadOnlyList<int> Supports, IReadOnlyList<int> Assignment, int Rounds)
{
    /// <summary>The support sample index that query <paramref name="sample"/> is propagated from.</summary>
    public int SupportOf(int sample) => Supports[Assignment[sample]];

    public bool IsSupport(int sample) => Supports[Assignment[sample]] == sample;
}
