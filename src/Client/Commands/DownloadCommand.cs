using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Client.Gateway;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa download`: the last run's masks and report into a folder.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for masks/, coarse/ (with --coarse), seg/ (DICOM SEG of images read from DICOM) and report.json.", Required = true };
        var coarse = new Option<bool>("--coarse") { Description = "Also download the coarse (propagated) masks." };
        var command = new Command("download", "Download the final masks (and report.json) of a dataset's last run.") { dataset, settings, output, coarse };
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var folder = parse.GetValue(output)!.FullName;
            var endpoint = gateway.Resolve(parse, parse.GetValue(settings));
            var (report, masks, coarseCount, segCount) = await ProgressDisplay.RunAsync(async progress =>
            {
                if (endpoint is not null)
                {
                    // The run's ZIP, unpacked into the same layout (plus results.csv).
                    using var client = new GatewayClient(endpoint) { OnRetry = progress.Warning };
                    return await new GatewaySession(client, datasetId, progress).DownloadAsync(folder, parse.GetValue(coarse), cancellationToken);
                }

                await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), progress, cancellationToken);
                var session = new DatasetSession(connection, datasetId, progress);
                var report = await session.ReadReportAsync(cancellationToken);
                var masks = await session.DownloadAsync(report.Outcomes.Where(o => o.Mask is not null).Select(o => o.Mask!), Path.Combine(folder, "masks"), cancellationToken);
                var coarseCount = parse.GetValue(coarse)
                    ? await session.DownloadAsync(report.Outcomes.Where(o => o.CoarseMask is not null).Select(o => o.CoarseMask!), Path.Combine(folder, "coarse"), cancellationToken)
                    : 0;
                // Images read from DICOM have their final masks as DICOM Segmentation objects too.
                var segs = report.Outcomes.Select(o => o.Seg).OfType<string>().ToArray();
                var segCount = segs.Length > 0 ? await session.DownloadAsync(segs, Path.Combine(folder, "seg"), cancellationToken) : 0;
                await session.DownloadAsync([Storage.DatasetBlobLayout.Report(session.Dataset)], folder, cancellationToken);
                return (report, masks, coarseCount, segCount);
            });
            parse.InvocationConfiguration.Output.WriteLine(
                $"{masks} masks{(coarseCount > 0 ? $", {coarseCount} coarse masks" : string.Empty)}{(segCount > 0 ? $", {segCount} DICOM SEG" : string.Empty)} and report.json in {folder} ({report.Failed} of {report.Queries} queries failed)");
            return report.Failed > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
        }));
        return command;
    }
}
