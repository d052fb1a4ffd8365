using SamMpa.Grains.Security;

namespace SamMpa.Hosting.Security;

/// <summary>
/// The admin key of a development silo (local storage, no Security:AdminKeys): made at its first start, kept in the
/// file <c>admin-key</c> of its local root (mode 0600), and read from there by a client on the same machine that has no
/// key of its own. Whoever can read the local root can read every dataset in it anyway.
/// </summary>
public static class DevelopmentAdminKey
{
    public const string FileName = "admin-key";

    public static string PathIn(string localRoot) => Path.Combine(localRoot, FileName);

    /// <summary>The key in <paramref name="localRoot"/>, made there first when there is none.</summary>
    public static string Ensure(string localRoot)
    {
        if (Read(localRoot) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(localRoot);
        var secret = AccessKeySecrets.NewSecret();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(PathIn(localRoot), System.Text.Encoding.ASCII, options))
        {
            writer.Write(secret);
        }

        return secret;
    }

    /// <summary>The key in <paramref name="localRoot"/>; null when there is none.</summary>
    public static string? Read(string localRoot)
    {
        var path = PathIn(localRoot);
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } secret ? secret : null;
    }
}
