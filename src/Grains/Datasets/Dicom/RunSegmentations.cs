using System.Reflection;
using Microsoft.Extensions.Logging;
using SamMpa.Dicom;
using SamMpa.Dicom.Web;
using SamMpa.Grains.Images;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets.Dicom;

/// <summary>
/// A published run's final masks as DICOM Segmentation objects: for every query whose image came from a DICOM instance
/// (its provenance names the kept instance), a binary SEG of that image's frame referencing the instance, at
/// <c>datasets/{id}/seg/{stem}.dcm</c>, all of a run in one series. SEGs of images without one now are deleted, as masks
/// are. A SEG that cannot be written fails alone: logged, and a note in that image's report entry; never the run.
/// SEGs of images retrieved from the DICOMweb server the silo is configured for (DicomWeb:ServiceRoot) are then stored
/// there with STOW-RS (<see cref="SegStowBack"/>); a refusal is a note too.
/// </summary>
internal static class RunSegmentations
{
    private const int WritesInFlight = 8;

    /// <summary>What became of one image's SEG: its blob, or why there is none (null both: not a DICOM image).</summary>
    public sealed record Outcome(string? Blob, string? Note);

    /// <summary>Writes the SEGs of <paramref name="published"/>'s final masks; returns the outcome per image that has a DICOM source.</summary>
    /// <param name="dicomWeb">The silo's DICOMweb server (no service root: nothing is sent back).</param>
    public static async Task<IReadOnlyDictionary<string, Outcome>> PublishAsync(
        IBlobStore blobs, string dataset, IReadOnlyList<ImageOutcome> published, DicomSegOptions options, ImageLimits limits, DicomWebOptions dicomWeb, ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(published);
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, Outcome>(StringComparer.Ordinal);
        DicomSegWriter? writer = null;
        string? writerProblem = null;
        try
        {
            writer = new DicomSegWriter(WithProductDefaults(options));
        }
        catch (ArgumentException e)
        {
            writerProblem = e.Message.Split(" (Parameter", 2)[0];
        }

        var series = writer?.NewSeriesUid();
        var stowBack = new SegStowBack(dataset, dicomWeb, logger);
        await Parallel.ForEachAsync(
            published.Where(o => o.MaskBlob is not null),
            new ParallelOptions { MaxDegreeOfParallelism = WritesInFlight, CancellationToken = cancellationToken },
            async (outcome, ct) =>
            {
                if (await WriteAsync(blobs, dataset, outcome, writer, writerProblem, series, limits, stowBack, ct) is { } written)
                {
                    outcomes[outcome.Image] = written;
                    if (written.Note is { } note)
                    {
                        logger.LogWarning("Dataset {Dataset}: no SEG for {Image}: {Reason}", dataset, outcome.Image, note);
                    }
                }
            });

        foreach (var (image, note) in await stowBack.SendAsync(cancellationToken))
        {
            outcomes[image] = outcomes[image] with { Note = note };
        }

        var kept = outcomes.Values.Select(o => o.Blob).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var stale = new List<string>();
        await foreach (var name in blobs.ListAsync(DatasetBlobLayout.Prefix(dataset) + "seg/", cancellationToken))
        {
            if (!kept.Contains(name))
            {
                stale.Add(name);
            }
        }

        foreach (var name in stale)
        {
            await blobs.DeleteAsync(name, cancellationToken);
        }

        return outcomes;
    }

    /// <summary>
    /// The configured options, with what the product knows filled in where a setting is empty: the algorithm's version
    /// (this build's), and a target named "Target" coded as an anatomical structure until Dicom:Seg:TargetName and
    /// TargetCode say what it is.
    /// </summary>
    public static DicomSegOptions WithProductDefaults(DicomSegOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with
        {
            AlgorithmVersion = options.AlgorithmVersion.Length > 0 ? options.AlgorithmVersion : ProductVersion,
            TargetName = options.TargetName.Length > 0 ? options.TargetName : "Target",
            TargetCode = options.TargetCode.Value.Length > 0 || options.TargetCode.Scheme.Length > 0 ? options.TargetCode : DicomCode.AnatomicalStructure,
        };
    }

    private static string ProductVersion
    {
        get
        {
            var version = typeof(RunSegmentations).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";
            // The commit hash after '+' is dropped: LO holds 64 characters.
            var plain = version.Split('+', 2)[0];
            return plain.Length > 0 ? plain : "1.0.0";
        }
    }

    private static async Task<Outcome?> WriteAsync(
        IBlobStore blobs, string dataset, ImageOutcome outcome, DicomSegWriter? writer, string? writerProblem, string? series, ImageLimits limits, SegStowBack stowBack,
        CancellationToken cancellationToken)
    {
        var provenanceBlob = DatasetBlobLayout.Provenance(dataset, outcome.Image);
        try
        {
            if (await blobs.ReadAsync(provenanceBlob, cancellationToken) is not { } json)
            {
                return null;
            }

            var provenance = ImageProvenance.FromJson(json, provenanceBlob);
            if (provenance.SourceInstanceBlob is not { } instanceBlob)
            {
                return null;
            }

            if (writer is null)
            {
                return new Outcome(null, $"seg: {writerProblem}");
            }

            var instance = await blobs.ReadAsync(instanceBlob, cancellationToken)
                ?? throw new InvalidDataException($"{instanceBlob}: the source instance is missing");
            var header = DicomHeaderReader.Read(instance, instanceBlob);
            var maskContent = await blobs.ReadAsync(outcome.MaskBlob!, cancellationToken)
                ?? throw new InvalidDataException($"{outcome.MaskBlob}: the mask is missing");
            using var mask = ImageFile.DecodeMask(maskContent, outcome.MaskBlob!, limits);
            var seg = writer.WriteFrame(header, provenance.SourceFile ?? instanceBlob, provenance.Frame, mask, series);
            var blob = DatasetBlobLayout.Segmentation(dataset, outcome.Image);
            await blobs.WriteAsync(blob, seg.Content, cancellationToken);
            return new Outcome(blob, stowBack.Add(outcome.Image, provenance.DicomWebRoot, seg));
        }
        // Whatever went wrong (a bad instance or mask, storage refusing a read or write), it costs this image its SEG
        // only; a cancellation still stops the publication.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Outcome(null, $"seg: {ImageError.OneLine(e.Message)}");
        }
    }
}
