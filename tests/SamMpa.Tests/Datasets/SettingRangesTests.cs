using SamMpa.Grains;
using SamMpa.Grains.Datasets;

namespace SamMpa.Tests.Datasets;

/// <summary>The shared ranges every grain and worker checks its numeric settings against, and their messages.</summary>
public sealed class SettingRangesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(4097)]
    [InlineData(int.MaxValue)]
    public void A_working_size_out_of_range_is_refused_naming_the_field_and_the_range(int workingSize)
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => SettingRanges.RequireWorkingSize("QueryJob", workingSize));

        Assert.StartsWith($"QueryJob.WorkingSize is {workingSize}: allowed 32..4096.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_settings_refine_and_prompt_numbers_are_checked()
    {
        SettingRanges.RequireRun("SamJob", new RunSettings());

        var refine = Assert.Throws<ArgumentOutOfRangeException>(() => SettingRanges.RequireRun("SamJob", new RunSettings { Refine = -1 }));
        Assert.StartsWith("SamJob.Settings.Refine is -1: allowed 0..100.", refine.Message, StringComparison.Ordinal);
        var margin = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SettingRanges.RequireRun("SamJob", new RunSettings { Prompts = new SamPromptSettings { BoxMargin = int.MaxValue } }));
        Assert.StartsWith($"SamJob.Settings.Prompts.BoxMargin is {int.MaxValue}: allowed 0..4096.", margin.Message, StringComparison.Ordinal);
        var dilation = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SettingRanges.RequireRun("SamJob", new RunSettings { Prompts = new SamPromptSettings { MaskDilation = 100_000 } }));
        Assert.StartsWith("SamJob.Settings.Prompts.MaskDilation is 100000: allowed 0..256.", dilation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_original_size_is_checked_side_by_side_and_against_the_pixel_limit()
    {
        SettingRanges.RequireImageSize("SamJob", 640, 480, maxPixels: 40_000_000);

        Assert.StartsWith("SamJob.Width is 0", Assert.Throws<ArgumentOutOfRangeException>(() => SettingRanges.RequireImageSize("SamJob", 0, 480, 40_000_000)).Message, StringComparison.Ordinal);
        Assert.StartsWith("SamJob.Height is 100000", Assert.Throws<ArgumentOutOfRangeException>(() => SettingRanges.RequireImageSize("SamJob", 10, 100_000, 40_000_000)).Message, StringComparison.Ordinal);
        Assert.StartsWith(
            "SamJob.Width x Height is 64000000: allowed 1..40000000.",
            Assert.Throws<ArgumentOutOfRangeException>(() => SettingRanges.RequireImageSize("SamJob", 8000, 8000, 40_000_000)).Message,
            StringComparison.Ordinal);
    }
}
