using System.Runtime.InteropServices;

namespace SamMpa.Storage;

/// <summary>
/// Gives a finished temporary file its final name only when that name is free, atomically. On Unix,
/// <see cref="File.Move(string, string, bool)"/> without overwrite checks for the target and then renames, so two racing
/// writers can both "win"; link(2) fails with EEXIST instead, and the caller deletes the temporary name after.
/// </summary>
internal static partial class NoReplaceFilePublisher
{
    private const int AlreadyExists = 17; // EEXIST on Linux and macOS

    /// <summary>True when <paramref name="temporary"/> now also has the name <paramref name="path"/>; false when that name was taken.</summary>
    public static bool TryPublish(string temporary, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // MoveFileEx without MOVEFILE_REPLACE_EXISTING refuses an existing target atomically.
            try
            {
                File.Move(temporary, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }

        if (Link(temporary, path) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        if (error == AlreadyExists)
        {
            return false;
        }

        throw new IOException($"could not create the blob file {path}: {Marshal.GetPInvokeErrorMessage(error)} (hard links are how this store creates a blob only once; the folder's file system must support them)", error);
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string name);
}
