using System.Runtime.Versioning;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Registration;

public sealed class RegistrationWorkFoldersTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-workroot-tests-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_work_folder_is_readable_by_its_owner_only()
    {
        var folder = RegistrationWorkFolders.Create(_root);

        Assert.Equal(_root, Path.GetDirectoryName(folder));
        Assert.True(RegistrationWorkFolders.IsWorkFolderName(Path.GetFileName(folder)), folder);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }

    [Fact]
    public void The_sweep_deletes_stale_work_folders_only()
    {
        var stale = Folder(RegistrationWorkFolders.Prefix + Guid.NewGuid().ToString("N"), Now.AddHours(-2));
        File.WriteAllText(Path.Combine(stale, "fixed.mha"), "image");
        Directory.SetLastWriteTimeUtc(stale, Now.AddHours(-2));
        var recent = Folder(RegistrationWorkFolders.Prefix + Guid.NewGuid().ToString("N"), Now.AddMinutes(-10));
        // Old, but not a work folder's name: another program's (or a test run's) folder is left alone.
        var other = Folder(RegistrationWorkFolders.Prefix + "tests-abc", Now.AddDays(-3));
        var file = Path.Combine(_root, RegistrationWorkFolders.Prefix + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "a file, not a folder");
        File.SetLastWriteTimeUtc(file, Now.AddDays(-3));

        var deleted = RegistrationWorkFolders.SweepStale(_root, TimeSpan.FromHours(1), Now);

        Assert.Equal([stale], deleted);
        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(recent));
        Assert.True(Directory.Exists(other));
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void The_sweep_of_a_missing_root_deletes_nothing()
    {
        Assert.Empty(RegistrationWorkFolders.SweepStale(Path.Combine(_root, "missing"), TimeSpan.FromHours(1), Now));
    }

    private string Folder(string name, DateTime lastWriteUtc)
    {
        var path = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        Directory.SetLastWriteTimeUtc(path, lastWriteUtc);
        return path;
    }
}
