using System.Globalization;

namespace SamMpa.Imaging.Selection;

/// <summary>
/// Stage ES per stratum (site, scanner, ...): the K supports are spread over the strata in proportion to their sizes
/// (largest remainder), every stratum holding at least a minimum share of the images gets one, and each stratum's
/// supports are chosen by <see cref="SupportSelector"/> among its own images. A sample is served by the nearest support
/// of its own stratum when that stratum has one, else by the nearest support overall. The unknown stratum ("", images
/// without provenance) gets supports like any other, but its samples have no own stratum: they go to the nearest
/// support overall. Strata are ordered by size (largest first, then by name, ordinal), so the result is deterministic.
/// </summary>
public static class StratifiedSelector
{
    /// <summary>The share of the images a stratum must hold to be sure of a support.</summary>
    public const double DefaultMinShare = 0.05;

    public static StratifiedSelection Select(
        IReadOnlyList<float[]> embeddings, IReadOnlyList<string> strata, int k, double minShare = DefaultMinShare, int maxRounds = SupportSelector.DefaultMaxRounds)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        SupportSelector.ValidateK(embeddings.Count, k);
        var groups = Group(embeddings.Count, strata);
        if (!double.IsFinite(minShare) || minShare < 0 || minShare > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minShare), $"The minimum stratum share must be 0..1, not {minShare.ToString(CultureInfo.InvariantCulture)}.");
        }

        var (counts, note) = Allocate(groups, embeddings.Count, k, minShare);
        var supports = new List<int>(k);
        var rounds = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var members = groups[g].Members;
            if (counts[g] == 0)
            {
                continue;
            }

            if (counts[g] >= members.Count)
            {
                // Every image of the stratum is a support: nothing to choose among.
                supports.AddRange(members);
                continue;
            }

            var within = SupportSelector.Select(members.Select(i => embeddings[i]).ToArray(), counts[g], maxRounds);
            supports.AddRange(within.Supports.Select(s => members[s]));
            rounds = Math.Max(rounds, within.Rounds);
        }

        var matrix = new EmbeddingMatrix(embeddings);
        var allocation = groups.Select((group, g) => new StratumAllocation(group.Stratum, group.Members.Count, counts[g])).ToArray();
        return new StratifiedSelection(new SupportSelection(supports, Assign(matrix, strata, supports), rounds), allocation, note);
    }

    /// <summary>
    /// Given supports (a selection a person changed by promoting a query): each sample goes to its nearest support of
    /// its own stratum, else to its nearest support overall, as after <see cref="Select"/>.
    /// </summary>
    public static SupportSelection WithSupports(IReadOnlyList<float[]> embeddings, IReadOnlyList<string> strata, IReadOnlyList<int> supports)
    {
        var plain = SupportSelector.WithSupports(embeddings, supports);
        Group(embeddings.Count, strata);
        return plain with { Assignment = Assign(new EmbeddingMatrix(embeddings), strata, supports) };
    }

    /// <summary>The strata by size (largest first, then name), each with its members in index order.</summary>
    private static List<(string Stratum, List<int> Members)> Group(int count, IReadOnlyList<string> strata)
    {
        ArgumentNullException.ThrowIfNull(strata);
        if (strata.Count != count)
        {
            throw new ArgumentException($"{strata.Count} strata given for {count} embeddings: every sample needs its stratum (\"\" when unknown).", nameof(strata));
        }

        return Enumerable.Range(0, count)
            .GroupBy(i => strata[i] ?? string.Empty, StringComparer.Ordinal)
            .Select(g => (Stratum: g.Key, Members: g.ToList()))
            .OrderByDescending(g => g.Members.Count)
            .ThenBy(g => g.Stratum, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Supports per stratum (in <paramref name="groups"/>' order): largest remainder of K x size / N, then one for every
    /// stratum with at least <paramref name="minShare"/> of the images, taken from the stratum furthest above its quota.
    /// When those strata outnumber K, the K largest get one each and the note says which got none.
    /// </summary>
    private static (int[] Counts, string? Note) Allocate(List<(string Stratum, List<int> Members)> groups, int n, int k, double minShare)
    {
        var counts = new int[groups.Count];
        // Quotas K x size / N in exact integer parts: floor and remainder (out of N), so ties are ties.
        var remainders = new long[groups.Count];
        var needsOne = groups.Select(g => g.Members.Count >= minShare * n - 1e-9).ToArray();
        var needing = needsOne.Count(x => x);
        if (needing > k)
        {
            var given = 0;
            var left = new List<string>();
            for (var g = 0; g < groups.Count; g++)
            {
                if (!needsOne[g])
                {
                    continue;
                }

                if (given < k)
                {
                    counts[g] = 1;
                    given++;
                }
                else
                {
                    left.Add(Name(groups[g].Stratum));
                }
            }

            return (counts, $"{needing} strata hold at least {minShare.ToString("0.###", CultureInfo.InvariantCulture)} of the images but K = {k}: "
                + $"the {k} largest have one support each; {string.Join(", ", left)} have none (their images use the nearest support).");
        }

        var assigned = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var share = (long)k * groups[g].Members.Count;
            counts[g] = (int)(share / n);
            remainders[g] = share % n;
            assigned += counts[g];
        }

        // Largest remainder; ties to the larger stratum, then the name (the groups' order).
        foreach (var g in Enumerable.Range(0, groups.Count).OrderByDescending(g => remainders[g]).ThenBy(g => g).Take(k - assigned).ToArray())
        {
            counts[g]++;
        }

        for (var g = 0; g < groups.Count; g++)
        {
            if (!needsOne[g] || counts[g] > 0)
            {
                continue;
            }

            // From the stratum furthest above its quota that can spare one (keeping its own minimum); one always can,
            // since the strata needing one are at most K.
            var donor = Enumerable.Range(0, groups.Count)
                .Where(d => counts[d] > (needsOne[d] ? 1 : 0))
                .OrderByDescending(d => ((long)counts[d] * n) - ((long)k * groups[d].Members.Count))
                .ThenBy(d => d)
                .First();
            counts[donor]--;
            counts[g]++;
        }

        return (counts, null);
    }

    /// <summary>Each sample to its nearest support of its own (known) stratum, else overall; ties to the earlier support.</summary>
    private static int[] Assign(EmbeddingMatrix matrix, IReadOnlyList<string> strata, IReadOnlyList<int> supports)
    {
        var served = new HashSet<string>(supports.Select(s => strata[s] ?? string.Empty), StringComparer.Ordinal);
        var assignment = new int[matrix.Count];
        for (var i = 0; i < matrix.Count; i++)
        {
            var own = strata[i] ?? string.Empty;
            var ownOnly = own.Length > 0 && served.Contains(own);
            var best = -1;
            var bestDistance = double.PositiveInfinity;
            for (var c = 0; c < supports.Count; c++)
            {
                if (ownOnly && !string.Equals(strata[supports[c]], own, StringComparison.Ordinal))
                {
                    continue;
                }

                var distance = matrix.Distance(i, supports[c]);
                if (best < 0 || distance < bestDistance)
                {
                    bestDistance = distance;
                    best = c;
                }
            }

            assignment[i] = best;
        }

        for (var c = 0; c < supports.Count; c++)
        {
            assignment[supports[c]] = c;
        }

        return assignment;
    }

    private static string Name(string stratum) => stratum.Length == 0 ? "the unknown stratum" : $"'{stratum}'";
}
