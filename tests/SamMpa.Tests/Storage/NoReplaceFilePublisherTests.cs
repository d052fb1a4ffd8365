using SamMpa.Storage;

namespace SamMpa.Tests.Storage;

public sealed class NoReplaceFilePublisherTests : IDisposable
{
    private const int Writers = 8;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sammpa-publish-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Writers_released_at_once_onto_one_name_have_exactly_one_winner_whose_content_stays()
    {
        // Threads held at a barrier and released together: File.Move(overwrite: false), a check then a rename on Unix,
        // lets two of them win in some rounds out of a hundred.
        for (var round = 0; round < 100; round++)
        {
            var path = Path.Combine(_folder.FullName, $"{round}.png");
            var outcomes = new bool[Writers];
            using var barrier = new Barrier(Writers);
            var threads = Enumerable.Range(0, Writers).Select(i => new Thread(() =>
            {
                var temporary = $"{path}~{i}";
                File.WriteAllBytes(temporary, [(byte)i]);
                barrier.SignalAndWait();
                outcomes[i] = NoReplaceFilePublisher.TryPublish(temporary, path);
                File.Delete(temporary);
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            var winners = Enumerable.Range(0, Writers).Where(i => outcomes[i]).ToList();
            Assert.True(winners.Count == 1, $"expected exactly one of {Writers} writers of {path} to win, {winners.Count} did ({string.Join(", ", winners)})");
            Assert.Equal([(byte)winners[0]], File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void A_name_already_taken_is_refused_and_keeps_its_content()
    {
        var path = Path.Combine(_folder.FullName, "a.png");
        File.WriteAllBytes(path, [1]);
        var temporary = path + "~t";
        File.WriteAllBytes(temporary, [2]);

        Assert.False(NoReplaceFilePublisher.TryPublish(temporary, path), $"expected {path} to be refused: it exists");
        Assert.Equal([(byte)1], File.ReadAllBytes(path));
    }

    [Fact]
    public void A_missing_folder_is_an_error_naming_the_file()
    {
        var temporary = Path.Combine(_folder.FullName, "t");
        File.WriteAllBytes(temporary, [1]);
        var path = Path.Combine(_folder.FullName, "missing", "a.png");

        var error = Assert.Throws<IOException>(() => NoReplaceFilePublisher.TryPublish(temporary, path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
