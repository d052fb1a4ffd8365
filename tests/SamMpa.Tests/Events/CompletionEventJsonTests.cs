using System.Text;
using System.Text.Json;
using SamMpa.Grains.Events;
using SamMpa.Grains.Images;

namespace SamMpa.Tests.Events;

public sealed class CompletionEventJsonTests
{
    public static TheoryData<string> Kinds => [CompletionEventJson.SupportsSelectedType, CompletionEventJson.ImageSegmentedType, CompletionEventJson.DatasetCompletedType];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_of_event_reads_back_equal_and_names_its_type_first(string kind)
    {
        var completion = Sample(kind);

        var json = CompletionEventJson.Serialize(completion);
        var back = CompletionEventJson.Deserialize(json, "the sample");

        using var document = JsonDocument.Parse(json);
        Assert.Equal("type", document.RootElement.EnumerateObject().First().Name);
        Assert.Equal(kind, document.RootElement.GetProperty("type").GetString());
        Assert.Equal(kind, CompletionEventJson.TypeOf(back));
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(CompletionEventJson.Serialize(back)));
    }

    [Fact]
    public void Text_that_is_not_an_event_is_an_error_naming_where_it_came_from()
    {
        var error = Assert.Throws<InvalidDataException>(() => CompletionEventJson.Deserialize("{\"type\":\"unheard-of\"}"u8, "datasets/d/events/000000001-ab.json"));

        Assert.Contains("datasets/d/events/000000001-ab.json", error.Message, StringComparison.Ordinal);
    }

    private static CompletionEvent Sample(string kind)
    {
        var at = new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);
        return kind switch
        {
            CompletionEventJson.SupportsSelectedType => new SupportsSelected { EventId = "selected/1", Dataset = "d", At = at, Supports = ["a.png", "b.png"] },
            CompletionEventJson.ImageSegmentedType => new ImageSegmented
            {
                EventId = "run-1/c.png", Dataset = "d", At = at, RunId = "run-1",
                Outcome = new ImageOutcome { Image = "c.png", Supports = ["a.png"], MaskBlob = "datasets/d/masks/c.png", FinalDice = 0.91, Uncertainty = 0.2 },
            },
            _ => new DatasetCompleted { EventId = "run-1/completed", Dataset = "d", At = at, RunId = "run-1", Queries = 1, Segmented = 1, ReportBlob = "datasets/d/report.json", WallSeconds = 1.5 },
        };
    }
}
