using System.Runtime.CompilerServices;

namespace SamMpa.Dicom.Web;

/// <summary>
/// Which instances of a DICOMweb server make a dataset: those of the given studies, those of the given series, and,
/// with neither, every instance matching the query (attribute matches, e.g. InstitutionName=SITEA or Modality=CR).
/// The query narrows the studies and series too. Something must be given: an archive is never taken whole by accident.
/// </summary>
public sealed record DicomWebSelection
{
    public IReadOnlyList<string> Studies { get; init; } = [];

    public IReadOnlyList<string> Series { get; init; } = [];

    public DicomWebQuery Query { get; init; } = new();

    /// <summary>Every problem with the selection, naming the option; empty when it can be searched.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(Query.Problems());
        if (Studies.Count == 0 && Series.Count == 0 && Query.Matches.Count == 0)
        {
            problems.Add("nothing selected: give --study UID, --series UID or --query KEY=VALUE (the whole archive is never taken)");
        }

        problems.AddRange(Studies.Concat(Series).Where(uid => !IsUid(uid)).Select(uid => $"'{uid}' is not a DICOM UID (digits and dots)"));
        return problems;
    }

    /// <summary>The selected instances as QIDO-RS finds them (an instance selected twice comes twice).</summary>
    /// <exception cref="ArgumentException">The selection cannot be searched; the message names each problem.</exception>
    public async IAsyncEnumerable<DicomWebMatch> FindAsync(DicomWebClient client, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"DICOMweb selection cannot be searched: {string.Join("; ", problems)}");
        }

        foreach (var study in Studies)
        {
            await foreach (var instance in client.SearchAllInstancesAsync(Query, study, ct: cancellationToken))
            {
                yield return instance;
            }
        }

        foreach (var series in Series)
        {
            await foreach (var instance in client.SearchAllInstancesAsync(Query.And("SeriesInstanceUID", series), ct: cancellationToken))
            {
                yield return instance;
            }
        }

        if (Studies.Count == 0 && Series.Count == 0)
        {
            await foreach (var instance in client.SearchAllInstancesAsync(Query, ct: cancellationToken))
            {
                yield return instance;
            }
        }
    }

    private static bool IsUid(string uid) =>
        uid.Length is > 0 and <= 64 && uid.All(c => char.IsAsciiDigit(c) || c == '.') && !uid.StartsWith('.') && !uid.EndsWith('.');
}
