using SamMpa.Grains.Images;

namespace SamMpa.Tests.Datasets;

public sealed class ImageErrorTests
{
    [Fact]
    public void A_reason_is_the_first_line_cut_to_its_bound()
    {
        Assert.Equal("elastix exited with code 1.", ImageError.OneLine("  elastix exited with code 1.\nLast lines of elastix.log:\nline"));
        var reason = ImageError.OneLine(new string('x', 1000));
        Assert.Equal(ImageError.MaxReasonLength, reason.Length);
        Assert.EndsWith("...", reason, StringComparison.Ordinal);
    }
}
