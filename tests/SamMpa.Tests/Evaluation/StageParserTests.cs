using SamMpa.Client.Evaluation;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Tests.Evaluation;

public sealed class StageParserTests
{
    [Theory]
    [InlineData("es,mp", Stage.Es | Stage.Mp)]
    [InlineData("mp", Stage.Mp)]
    [InlineData(" MP , ES ", Stage.Es | Stage.Mp)]
    [InlineData("es,mp,pa,pr", Stage.Es | Stage.Mp | Stage.Pa | Stage.Pr)]
    [InlineData("es,loc", Stage.Es | Stage.Loc)]
    [InlineData("es,loc,rf", Stage.Es | Stage.Loc | Stage.Rf)]
    [InlineData("es,mp,loc,rf", Stage.Es | Stage.Mp | Stage.Loc | Stage.Rf)]
    [InlineData("mp,rf", Stage.Mp | Stage.Rf)]
    [InlineData("auto", Stage.Auto)]
    [InlineData("es,auto", Stage.Es | Stage.Auto)]
    [InlineData("es,auto,pa,pr", Stage.Es | Stage.Auto | Stage.Pa | Stage.Pr)]
    public void Known_stages_parse(string text, Stage expected) => Assert.Equal(expected, StageParser.Parse(text));

    [Fact]
    public void Stages_format_in_the_papers_order() => Assert.Equal("es,mp,pa", StageParser.Format(Stage.Pa | Stage.Mp | Stage.Es));

    [Fact]
    public void Localisation_stages_format_after_mp() => Assert.Equal("es,mp,loc,rf", StageParser.Format(Stage.Rf | Stage.Loc | Stage.Mp | Stage.Es));

    [Theory]
    [InlineData("es,xx", "'xx'")]
    [InlineData("es", "'mp', 'loc' or both are required")]
    [InlineData("es,rf", "'mp', 'loc' or both are required")]
    [InlineData("es,mp,pr", "needs 'pa'")]
    [InlineData("es,auto,mp", "'auto' chooses mp, loc and rf itself, so it takes none of them (mp)")]
    [InlineData("auto,loc,rf", "takes none of them (loc,rf)")]
    [InlineData("auto,pr", "needs 'pa'")]
    public void Bad_stages_are_named(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => StageParser.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
