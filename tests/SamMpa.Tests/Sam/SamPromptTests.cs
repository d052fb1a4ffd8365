using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.Sam;

public sealed class SamPromptTests
{
    [Fact]
    public void NoBoxAppendsThePaddingPoint()
    {
        var prompt = new SamPrompt { Frame = new SamFrame(100, 50), Points = [(10f, 20f, SamPrompt.Foreground), (30f, 40f, SamPrompt.Background)] };

        var (coords, labels) = prompt.ToDecoderArrays();

        Assert.False(prompt.HasBox);
        Assert.Equal(3, prompt.DecoderPointCount);
        Assert.Equal([10f, 20f, 30f, 40f, 0f, 0f], coords);
        Assert.Equal([1f, 0f, -1f], labels);
    }

    [Fact]
    public void BoxNeedsNoPaddingPoint()
    {
        var prompt = new SamPrompt
        {
            Frame = new SamFrame(100, 50),
            Points = [(10f, 20f, SamPrompt.Foreground), (1f, 2f, SamPrompt.BoxTopLeft), (90f, 45f, SamPrompt.BoxBottomRight)],
        };

        var (coords, labels) = prompt.ToDecoderArrays();

        Assert.True(prompt.HasBox);
        Assert.Equal([10f, 20f, 1f, 2f, 90f, 45f], coords);
        Assert.Equal([1f, 2f, 3f], labels);
    }

    [Fact]
    public void MaskOnlyPromptIsTheLonePaddingPoint()
    {
        var prompt = new SamPrompt { Frame = new SamFrame(100, 50), Points = [] };

        var (coords, labels) = prompt.ToDecoderArrays();

        Assert.Equal([0f, 0f], coords);
        Assert.Equal([-1f], labels);
        Assert.Throws<ArgumentException>(() => prompt.WriteDecoderArrays(new float[1], new float[1]));
    }
}
