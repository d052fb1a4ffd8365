namespace SamMpa.Imaging.Registration;

/// <summary>Locates the elastix and transformix executables and checks the configured parameter files.</summary>
public static class ElastixTools
{
    /// <summary>
    /// Throws <see cref="RegistrationToolMissingException"/> if elastix or transformix cannot be found, and
    /// <see cref="FileNotFoundException"/> naming the first parameter file that does not exist.
    /// </summary>
    public static void EnsureAvailable(RegistrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = ResolveOrThrow("elastix", options.ElastixPath, "--elastix");
        _ = ResolveOrThrow("transformix", options.TransformixPath, "--transformix");
        EnsureParameterFiles(options);
    }

    /// <summary>Full path of an executable given as a path or as a name to look up on PATH; null if not found.</summary>
    public static string? Locate(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
        {
            return null;
        }

        if (nameOrPath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || nameOrPath.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(nameOrPath);
            return IsExecutableFile(full) ? full : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, nameOrPath);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }

            if (OperatingSystem.IsWindows() && IsExecutableFile(candidate + ".exe"))
            {
                return candidate + ".exe";
            }
        }

        return null;
    }

    internal static string ResolveOrThrow(string tool, string configured, string option)
    {
        var found = Locate(configured);
        if (found is not null)
        {
            return found;
        }

        var where = string.IsNullOrWhiteSpace(configured) || configured == tool
            ? "on PATH"
            : $"at '{configured}'";
        throw new RegistrationToolMissingException(
            $"{tool} was not found {where} (install the Debian package 'elastix', which provides elastix and transformix, or set {option} PATH).");
    }

    internal static void EnsureParameterFiles(RegistrationOptions options)
    {
        if (options.ParameterFiles is null || options.ParameterFiles.Count == 0)
        {
            throw new ArgumentException("At least one elastix parameter file is needed.", nameof(options));
        }

        foreach (var file in options.ParameterFiles)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The elastix parameter file '{file}' does not exist.", file);
            }
        }
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
