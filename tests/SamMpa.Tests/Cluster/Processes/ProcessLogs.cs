using System.Diagnostics;

namespace SamMpa.Tests.Cluster.Processes;

/// <summary>A child process's output, kept in a file so a failing test can show what the process said.</summary>
internal static class ProcessLogs
{
    public static void CopyTo(Process process, string path)
    {
        var writer = TextWriter.Synchronized(new StreamWriter(path, append: true) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => Write(writer, e.Data);
        process.ErrorDataReceived += (_, e) => Write(writer, e.Data);
        process.Exited += (_, _) => writer.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The last lines of a log, for a failure message.</summary>
    public static string Tail(string path, int lines = 30)
    {
        if (!File.Exists(path))
        {
            return "(no log)";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    private static void Write(TextWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            writer.WriteLine(line);
        }
        catch (ObjectDisposedException)
        {
            // The last lines may arrive after the process's exit closed the file.
        }
    }
}
