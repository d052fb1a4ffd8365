using System.Globalization;

namespace SamMpa.Imaging.Registration;

/// <summary>
/// The per-registration work folders under <see cref="RegistrationOptions.WorkRoot"/>: <c>sammpa-reg-</c> followed by
/// 32 hex digits, readable by the silo's user only (they hold patients' images). A registration deletes its own folder;
/// <see cref="SweepStale"/> deletes those a killed process left behind.
/// </summary>
public static class RegistrationWorkFolders
{
    /// <summary>The name prefix; the rest of a work folder's name is a GUID in "N" format.</summary>
    public const string Prefix = "sammpa-reg-";

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates a new work folder under <paramref name="root"/> (created too when missing), mode 0700.</summary>
    public static string Create(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Directory.CreateDirectory(root);
        var folder = Path.Combine(Path.GetFullPath(root), Prefix + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnly);
        }

        return folder;
    }

    /// <summary>Whether <paramref name="name"/> is a work folder's name (other <c>sammpa-reg-</c> names are left alone).</summary>
    public static bool IsWorkFolderName(string name) =>
        name.Length == Prefix.Length + 32
        && name.StartsWith(Prefix, StringComparison.Ordinal)
        && name.AsSpan(Prefix.Length).ContainsAnyExcept(LowerHex) is false;

    /// <summary>
    /// Deletes the work folders under <paramref name="root"/> last written more than <paramref name="olderThan"/> before
    /// <paramref name="nowUtc"/> (default: now): what a silo killed mid-registration left. Folders that cannot be deleted
    /// are skipped. Returns the deleted folders.
    /// </summary>
    public static IReadOnlyList<string> SweepStale(string root, TimeSpan olderThan, DateTime? nowUtc = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        var deleted = new List<string>();
        if (!Directory.Exists(root))
        {
            return deleted;
        }

        var cutoff = (nowUtc ?? DateTime.UtcNow) - olderThan;
        foreach (var folder in new DirectoryInfo(root).EnumerateDirectories(Prefix + "*"))
        {
            if (!IsWorkFolderName(folder.Name) || folder.LastWriteTimeUtc >= cutoff)
            {
                continue;
            }

            if (TryDelete(folder.FullName))
            {
                deleted.Add(folder.FullName);
            }
        }

        return deleted;
    }

    /// <summary>Deletes a folder and what it holds; false when it is already gone or cannot be deleted.</summary>
    internal static bool TryDelete(string folder)
    {
        // A second attempt covers a file still being closed by a just-killed child.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return false;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        return false;
    }
}
