using SamMpa.Client.Cluster;
using Spectre.Console;

namespace SamMpa.Client.Console;

/// <summary>The DICOM files of a folder that were not imported: a table of each file and why, after the dataset's status.</summary>
internal static class DicomFailureView
{
    public static void Write(DicomStaging dicom)
    {
        if (dicom.Failures.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{dicom.Failures.Count} of {dicom.Files} DICOM files not ingested")
            .AddColumn("file")
            .AddColumn("reason");
        foreach (var failure in dicom.Failures)
        {
            table.AddRow(Markup.Escape(Path.GetFileName(failure.File)), Markup.Escape(failure.Reason));
        }

        AnsiConsole.Write(table);
    }
}
