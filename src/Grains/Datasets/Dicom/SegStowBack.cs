using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SamMpa.Dicom;
using SamMpa.Dicom.Web;
using SamMpa.Grains.Images;

namespace SamMpa.Grains.Datasets.Dicom;

/// <summary>
/// A run's SEGs sent back to the DICOMweb server their images came from, with STOW-RS: only to the server the silo is
/// configured for (DicomWeb:ServiceRoot, with its credentials), since a provenance's URL is data, and the silo must not
/// post results (or credentials) wherever a dataset says. SEGs go in requests of <see cref="InstancesPerRequest"/>;
/// an instance the server refuses, or a request that fails, is a note on its images, never the run's failure.
/// </summary>
internal sealed class SegStowBack(string dataset, DicomWebOptions options, ILogger logger)
{
    private const int InstancesPerRequest = 16;

    private readonly ConcurrentQueue<(string Image, DicomSegInstance Seg)> _pending = new();

    /// <summary>
    /// Queues <paramref name="seg"/> when <paramref name="sourceRoot"/> is the configured server; returns the image's
    /// note when it came from another server (not sent), else null.
    /// </summary>
    public string? Add(string image, string? sourceRoot, DicomSegInstance seg)
    {
        if (sourceRoot is null)
        {
            return null;
        }

        if (!SameRoot(sourceRoot, options.ServiceRoot))
        {
            return options.ServiceRoot.Length == 0
                ? $"stow: not sent back to {sourceRoot}: the cluster has no {DicomWebOptions.SectionName}:{nameof(DicomWebOptions.ServiceRoot)}"
                : $"stow: not sent back to {sourceRoot}: the cluster sends SEGs to {DicomWebOptions.SectionName}:{nameof(DicomWebOptions.ServiceRoot)} {options.ServiceRoot} only";
        }

        _pending.Enqueue((image, seg));
        return null;
    }

    /// <summary>Stores every queued SEG; returns a note per image whose SEG was not stored.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SendAsync(CancellationToken cancellationToken)
    {
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_pending.IsEmpty)
        {
            return notes;
        }

        DicomWebClient client;
        try
        {
            client = new DicomWebClient(options);
        }
        catch (ArgumentException e)
        {
            return NoteAll(_pending.Select(p => p.Image), $"stow: {e.Message.Split(" (Parameter", 2)[0]}", notes);
        }

        using (client)
        {
            foreach (var batch in _pending.OrderBy(p => p.Image, StringComparer.Ordinal).Chunk(InstancesPerRequest))
            {
                try
                {
                    var result = await client.StoreAsync(batch.Select(p => DicomWebUpload.FromSegmentation(p.Image, p.Seg)).ToList(), ct: cancellationToken);
                    foreach (var failure in result.Failed)
                    {
                        notes[failure.Name] = $"stow: {ImageError.OneLine(failure.Reason)}";
                        logger.LogWarning("Dataset {Dataset}: the SEG of {Image} was not stored at {Url}: {Reason}", dataset, failure.Name, result.Url, failure.Reason);
                    }

                    logger.LogInformation("Dataset {Dataset}: {Stored} SEG(s) stored at {Url}", dataset, result.Stored.Count, result.Url);
                }
                // A server down or refusing costs these SEGs their copy there only; a cancellation still stops.
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Dataset {Dataset}: {Count} SEG(s) not stored at {Root}: {Reason}", dataset, batch.Length, options.ServiceRoot, e.Message);
                    NoteAll(batch.Select(p => p.Image), $"stow: {ImageError.OneLine(e.Message)}", notes);
                }
            }
        }

        return notes;
    }

    private static Dictionary<string, string> NoteAll(IEnumerable<string> images, string note, Dictionary<string, string> notes)
    {
        foreach (var image in images)
        {
            notes[image] = note;
        }

        return notes;
    }

    // http://host/dicom-web and http://host/dicom-web/ are one server; scheme and host are case-insensitive.
    private static bool SameRoot(string a, string b) =>
        b.Length > 0 &&
        Uri.TryCreate(a.TrimEnd('/') + "/", UriKind.Absolute, out var left) &&
        Uri.TryCreate(b.TrimEnd('/') + "/", UriKind.Absolute, out var right) &&
        Uri.Compare(left, right, UriComponents.AbsoluteUri, UriFormat.UriEscaped, StringComparison.Ordinal) == 0;
}
