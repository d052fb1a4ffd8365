using SamMpa.Imaging.Registration;

namespace SamMpa.Dicom;

/// <summary>
/// Makes an encapsulated (compressed) instance native with the DICOM toolkit command its transfer syntax needs
/// (DCMTK dcmdjpeg, dcmdjpls, dcmdrle; GDCM gdcmconv --raw for JPEG 2000), run through <see cref="ToolProcess"/>
/// (no shell, minimal environment, process tree killed on timeout) in a work folder removed after.
/// </summary>
internal static class DicomDecompression
{
    /// <summary>The native file's bytes (explicit VR little endian), read back before the work folder goes.</summary>
    public static async Task<byte[]> DecompressAsync(
        string path, DicomTransferSyntax syntax, DicomReadOptions options, CancellationToken ct)
    {
        var tool = options.ToolPath(syntax.Decompressor);
        var workFolder = Path.Combine(options.WorkRoot ?? Path.GetTempPath(), $"sammpa-dicom-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workFolder);
        try
        {
            var output = Path.Combine(workFolder, "native.dcm");
            var input = Path.GetFullPath(path);
            IReadOnlyList<string> arguments = syntax.Decompressor == DicomDecompressor.GdcmconvRaw
                ? ["--raw", input, output]
                : ["+te", input, output];

            ToolProcess.Outcome outcome;
            try
            {
                outcome = await ToolProcess.RunAsync(tool, arguments, workFolder, options.ToolTimeout, ct);
            }
            catch (RegistrationToolMissingException e)
            {
                throw new DicomReadException(
                    path, $"{syntax.Name} needs the decompressor '{tool}', which could not be started (scripts/ensure-tools installs DCMTK and GDCM): {e.Message}", e);
            }

            if (outcome.TimedOut)
            {
                throw new DicomReadException(path, $"decompressing {syntax.Name} with '{tool}' took longer than {options.ToolTimeout.TotalSeconds:0.#} s; it was stopped");
            }

            if (outcome.ExitCode != 0 || !File.Exists(output))
            {
                throw new DicomReadException(
                    path, $"'{tool}' could not decompress its {syntax.Name} pixel data (exit code {outcome.ExitCode}): {outcome.StandardErrorTail.Trim()}");
            }

            var length = new FileInfo(output).Length;
            if (length > options.Limits.MaxBytes)
            {
                throw new DicomReadException(path, $"decompresses to {length:N0} bytes, above the limit of {options.Limits.MaxBytes:N0} bytes ({options.Limits.MaxBytesSetting})");
            }

            return await File.ReadAllBytesAsync(output, ct);
        }
        finally
        {
            TryDelete(workFolder);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder a killed tool still held; the temp root's cleaning takes it later.
        }
    }
}
