namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// The pipelines stage AUTO tries, in one place and in the order of what is expected to segment best (the prior: the
/// trial leaves it only on evidence, see <see cref="PipelineTrial.Choose"/>): LOC+RF, LOC, MP, MP+LOC, MP+LOC+RF; then
/// the MP ones again with more atlases when the run's atlases setting allows more than one and each left-out support
/// has that many others. The order is the accuracy bench's on both shared sets at K = 10 (bench/RESULTS.md): LOC+RF
/// above LOC above MP on each, the fusions below MP on the supports; without dense feature maps only MP is left.
/// </summary>
public static class PipelineCandidates
{
    /// <summary>Most atlases a candidate uses (the "1 vs 3").</summary>
    public const int MaxAtlases = 3;

    /// <summary>
    /// What K supports with <paramref name="runAtlases"/> atlases can try; without dense feature maps
    /// (<paramref name="canLocalise"/> false) only the MP ones.
    /// </summary>
    public static IReadOnlyList<PipelineCandidate> For(int k, int runAtlases, bool canLocalise)
    {
        var candidates = new List<PipelineCandidate>();
        if (canLocalise)
        {
            candidates.Add(new(Register: false, Localise: true, GraphCut: true, Atlases: 0));
            candidates.Add(new(Register: false, Localise: true, GraphCut: false, Atlases: 0));
        }

        candidates.Add(new(Register: true, Localise: false, GraphCut: false, Atlases: 1));
        if (canLocalise)
        {
            candidates.Add(new(Register: true, Localise: true, GraphCut: false, Atlases: 1));
            candidates.Add(new(Register: true, Localise: true, GraphCut: true, Atlases: 1));
        }

        var more = Math.Min(Math.Min(runAtlases, MaxAtlases), k - 1);
        if (more > 1)
        {
            candidates.AddRange(candidates.Where(c => c.Register).ToArray().Select(c => c with { Atlases = more }));
        }

        return candidates;
    }

    /// <summary>What a run without a trial (K &lt; 2) uses: MP, with the run's atlases.</summary>
    public static PipelineCandidate Fallback(int runAtlases) => new(Register: true, Localise: false, GraphCut: false, Atlases: Math.Max(1, runAtlases));
}
