using SamMpa.Storage;

namespace SamMpa.Tests.Storage;

public sealed class ResourceIdTests
{
    [Theory]
    [InlineData("cxr-lung")]
    [InlineData("val_covid_01905.png")]
    [InlineData("A.b-C_9")]
    public void Plain_ids_are_accepted(string id) => Assert.Equal(id, ResourceId.Validate(id, "image"));

    [Theory]
    [InlineData("..", "folder")]
    [InlineData(".", "folder")]
    [InlineData("../etc", "path separator")]
    [InlineData("a/b", "path separator")]
    [InlineData("a\\b", "path separator")]
    [InlineData("a\u0000b", "control character")]
    [InlineData("a b", "' '")]
    [InlineData("", "empty")]
    public void Unsafe_ids_are_refused_with_the_reason(string id, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => ResourceId.Validate(id, "dataset"));

        Assert.Contains("dataset id", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlong_ids_are_refused() =>
        Assert.False(ResourceId.IsValid(new string('a', ResourceId.MaxLength + 1)));

    [Fact]
    public void The_layout_builds_names_from_valid_ids_only()
    {
        Assert.Equal("datasets/cxr/images/a.png", DatasetBlobLayout.Image("cxr", "a.png"));
        Assert.Equal("datasets/cxr/masks/a.png", DatasetBlobLayout.FinalMask("cxr", "a.png"));
        Assert.Equal("datasets/cxr/report.json", DatasetBlobLayout.Report("cxr"));
        Assert.Throws<ArgumentException>(() => DatasetBlobLayout.Image("..", "a.png"));
        Assert.Throws<ArgumentException>(() => DatasetBlobLayout.CoarseMask("cxr", "../../x"));
    }
}
