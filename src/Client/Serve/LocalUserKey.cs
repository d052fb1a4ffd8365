using SamMpa.Grains.Security;

namespace SamMpa.Client.Serve;

/// <summary>
/// The API key <c>sammpa serve</c> prints: a key of the principal <see cref="Principal"/> (not an admin), made with the
/// silo's admin key the first time and kept in the file <see cref="FileName"/> of the home folder (mode 0600), so that
/// every start with the same home prints the same key. A kept key the cluster no longer knows (revoked, or the home's
/// keys gone) is replaced.
/// </summary>
internal static class LocalUserKey
{
    public const string Principal = "local-user";

    public const string FileName = "serve-api-key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathIn(string home) => Path.Combine(home, FileName);

    /// <summary>The kept key when the cluster still knows it, else a new one (written to the home folder); and whether it is new.</summary>
    public static async Task<(string Secret, bool Created)> EnsureAsync(LocalWebServer server, string home)
    {
        ArgumentNullException.ThrowIfNull(server);
        var path = PathIn(home);
        if (Read(path) is { } kept)
        {
            try
            {
                await AccessKeyCalls.WithKeyAsync(kept, () => server.Cluster.Client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).WhoAmIAsync());
                return (kept, false);
            }
            catch (AccessDeniedException)
            {
                // Revoked, or the keys of this home were removed: a new key below.
            }
        }

        var created = await server.CreateKeyAsync(Principal);
        Write(path, created.Secret);
        return (created.Secret, true);
    }

    private static string? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            // A key file others may read is made the owner's again rather than trusted as it is.
            File.SetUnixFileMode(path, OwnerOnly);
        }

        return File.ReadAllText(path).Trim() is { Length: > 0 } secret ? secret : null;
    }

    /// <summary>Written beside the target first and then moved over it: a reader sees the old key or the new one, never half.</summary>
    private static void Write(string path, string secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "~tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(secret);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
