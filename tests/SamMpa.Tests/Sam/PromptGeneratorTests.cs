using SamMpa.Imaging.Images;
using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.Sam;

public sealed class PromptGeneratorTests
{
    [Fact]
    public void ForegroundPointIsTheDiskCentreWithinOnePixel()
    {
        using var mask = MaskShapes.Disk(300, 200, 140, 90, 30);

        var prompt = PromptGenerator.FromCoarseMask(mask, PromptOptions.Default)!;
        var (x, y, label) = prompt.Points[0];
        var (ox, oy) = prompt.Frame.FromInput(x, y);

        Assert.Equal(SamPrompt.Foreground, label);
        Assert.InRange(ox, 139f, 141f);
        Assert.InRange(oy, 89f, 91f);
        Assert.Equal(prompt.Frame.ToInput(140, 90).X, x, 0.5f);
        prompt.MaskInput!.Dispose();
    }

    [Fact]
    public void BoxCornersArriveWithLabelsTwoAndThree()
    {
        using var mask = MaskShapes.Rectangle(300, 200, 50, 40, 149, 99);

        var prompt = PromptGenerator.FromCoarseMask(mask, PromptOptions.Default)!;
        var (coords, labels) = prompt.ToDecoderArrays();
        prompt.MaskInput!.Dispose();

        // Order: foreground, 4 background corners, box top-left, box bottom-right; no padding point.
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 2f, 3f], labels);
        Assert.True(prompt.HasBox);
        var frame = prompt.Frame;
        Assert.Equal((1024, 683), (frame.ResizedWidth, frame.ResizedHeight));
        Assert.Equal(50 * 1024f / 300, coords[10], 1e-3f);
        Assert.Equal(40 * 683f / 200, coords[11], 1e-3f);
        Assert.Equal(149 * 1024f / 300, coords[12], 1e-3f);
        Assert.Equal(99 * 683f / 200, coords[13], 1e-3f);

        // Background points at the box corners; foreground at the centre (99.5, 69.5).
        var corners = prompt.Points.Where(p => p.Label == SamPrompt.Background).Select(p => frame.FromInput(p.X, p.Y)).ToArray();
        Assert.Equal(4, corners.Length);
        Assert.Contains(corners, c => Near(c, 50, 40));
        Assert.Contains(corners, c => Near(c, 149, 40));
        Assert.Contains(corners, c => Near(c, 50, 99));
        Assert.Contains(corners, c => Near(c, 149, 99));
        Assert.True(Near(frame.FromInput(prompt.Points[0].X, prompt.Points[0].Y), 99.5f, 69.5f));
    }

    [Fact]
    public void WithoutBoxTheDecoderGetsThePaddingPoint()
    {
        using var mask = MaskShapes.Rectangle(300, 200, 50, 40, 149, 99);

        var prompt = PromptGenerator.FromCoarseMask(mask, new PromptOptions { UseBox = false, UseMask = false })!;
        var (coords, labels) = prompt.ToDecoderArrays();

        Assert.Null(prompt.MaskInput);
        Assert.False(prompt.HasBox);
        Assert.Equal([1f, 0f, 0f, 0f, 0f, -1f], labels);
        Assert.Equal(0f, coords[10]);
        Assert.Equal(0f, coords[11]);
    }

    [Fact]
    public void InteriorPointLiesInsideANonConvexMaskWhereTheCentroidDoesNot()
    {
        using var mask = MaskShapes.Lungs(240, 200);

        var centroid = PromptGenerator.FromCoarseMask(mask, new PromptOptions { UseMask = false })!;
        var interior = PromptGenerator.FromCoarseMask(mask, new PromptOptions { UseMask = false, ForegroundPoint = ForegroundPoint.Interior })!;

        Assert.False(IsInside(mask, centroid));
        Assert.True(IsInside(mask, interior));

        // The most interior pixel of an ellipse is near its centre (0.28 * 240 = 67.2 or 0.72 * 240 = 172.8, y = 100).
        var (x, y) = interior.Frame.FromInput(interior.Points[0].X, interior.Points[0].Y);
        Assert.True(Math.Abs(x - 67.2f) <= 2 || Math.Abs(x - 172.8f) <= 2, $"x = {x}");
        Assert.InRange(y, 98f, 102f);
    }

    [Fact]
    public void InteriorPointRespectsTheImageBorder()
    {
        // A mask covering the whole left half: the deepest pixel is in the middle of that half, not at the border.
        using var mask = MaskShapes.Rectangle(100, 60, 0, 0, 49, 59);

        var prompt = PromptGenerator.FromCoarseMask(mask, new PromptOptions { ForegroundPoint = ForegroundPoint.Interior, UseMask = false })!;
        var (x, y) = prompt.Frame.FromInput(prompt.Points[0].X, prompt.Points[0].Y);

        Assert.InRange(x, 20f, 29f);
        Assert.InRange(y, 20f, 39f);
    }

    [Fact]
    public void BoxMarginEnlargesTheBoxAndIsClampedToTheImage()
    {
        using var mask = MaskShapes.Rectangle(300, 200, 50, 40, 149, 99);

        var wide = PromptGenerator.FromCoarseMask(mask, new PromptOptions { BoxMargin = 5, UseMask = false })!;
        var huge = PromptGenerator.FromCoarseMask(mask, new PromptOptions { BoxMargin = 500, UseMask = false })!;

        var (tl, br) = Box(wide);
        Assert.True(Near(tl, 45, 35) && Near(br, 154, 104), $"{tl} {br}");
        (tl, br) = Box(huge);
        Assert.True(Near(tl, 0, 0) && Near(br, 299, 199), $"{tl} {br}");
        Assert.Contains(huge.Points, p => p.Label == SamPrompt.Background && Near(huge.Frame.FromInput(p.X, p.Y), 299, 0));
    }

    [Fact]
    public void DilationGrowsBoxAndMaskPrompt()
    {
        using var mask = MaskShapes.Disk(200, 200, 100, 100, 20);

        var plain = PromptGenerator.FromCoarseMask(mask, PromptOptions.Default)!;
        var dilated = PromptGenerator.FromCoarseMask(mask, new PromptOptions { MaskDilation = 6 })!;

        var (tl, br) = Box(plain);
        Assert.True(Near(tl, 80, 80) && Near(br, 120, 120), $"{tl} {br}");
        (tl, br) = Box(dilated);
        Assert.True(Near(tl, 74, 74) && Near(br, 126, 126), $"{tl} {br}");

        // Mask prompt area grows like the disk: radius 20 -> 26 at original size, i.e. x1.69 in area.
        var ratio = (double)MaskShapes.Count(dilated.MaskInput!, 0f) / MaskShapes.Count(plain.MaskInput!, 0f);
        Assert.InRange(ratio, 1.5, 1.9);
        using var back = dilated.Frame.LowResLogitsToOriginal(dilated.MaskInput!);
        using var expected = MaskShapes.Disk(200, 200, 100, 100, 26);
        Assert.True(MaskShapes.Dice(back, expected, 0f, 0.5f) >= 0.98);
        plain.MaskInput!.Dispose();
        dilated.MaskInput!.Dispose();
    }

    [Fact]
    public void DilationOfOnePixelIsAnExactDisk()
    {
        using var mask = new GrayImage(21, 21);
        mask[10, 10] = 1f;

        var prompt = PromptGenerator.FromCoarseMask(mask, new PromptOptions { MaskDilation = 3, UseMask = false })!;

        var (tl, br) = Box(prompt);
        Assert.True(Near(tl, 7, 7) && Near(br, 13, 13), $"{tl} {br}");
    }

    [Fact]
    public void EmptyMaskGivesNoPrompt()
    {
        using var mask = MaskShapes.Uniform(64, 48, 0.5f); // not > 0.5

        Assert.Null(PromptGenerator.FromCoarseMask(mask, new PromptOptions { MaskDilation = 4 }));
        Assert.Null(PromptGenerator.FromGroundTruth(mask, ManualPromptKind.PointAndBox));
    }

    [Theory]
    [InlineData(ManualPromptKind.Point, new[] { 1f, -1f })]
    [InlineData(ManualPromptKind.Box, new[] { 2f, 3f })]
    [InlineData(ManualPromptKind.PointAndBox, new[] { 1f, 2f, 3f })]
    public void ManualBaselines(ManualPromptKind kind, float[] expectedLabels)
    {
        using var mask = MaskShapes.Rectangle(300, 200, 50, 40, 149, 99);

        var prompt = PromptGenerator.FromGroundTruth(mask, kind)!;
        var (_, labels) = prompt.ToDecoderArrays();

        Assert.Null(prompt.MaskInput);
        Assert.Equal(expectedLabels, labels);
        if (kind != ManualPromptKind.Point)
        {
            var (tl, br) = Box(prompt);
            Assert.True(Near(tl, 50, 40) && Near(br, 149, 99));
        }
    }

    [Fact]
    public void DistanceTransformMatchesBruteForce()
    {
        const int width = 23, height = 17;
        var random = new Random(5);
        var feature = new bool[width * height];
        for (var i = 0; i < feature.Length; i++)
        {
            feature[i] = random.NextDouble() < 0.08;
        }

        foreach (var outside in new[] { false, true })
        {
            var fast = DistanceTransform.Squared(feature, width, height, outside);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var best = double.MaxValue;
                    for (var fy = -1; fy <= height; fy++)
                    {
                        for (var fx = -1; fx <= width; fx++)
                        {
                            var inside = fx >= 0 && fy >= 0 && fx < width && fy < height;
                            if (inside ? feature[(fy * width) + fx] : outside)
                            {
                                best = Math.Min(best, ((double)(fx - x) * (fx - x)) + ((double)(fy - y) * (fy - y)));
                            }
                        }
                    }

                    Assert.Equal(best, fast[(y * width) + x]);
                }
            }
        }
    }

    private static bool IsInside(GrayImage mask, SamPrompt prompt)
    {
        var (x, y) = prompt.Frame.FromInput(prompt.Points[0].X, prompt.Points[0].Y);
        return mask[(int)MathF.Round(x), (int)MathF.Round(y)] > 0.5f;
    }

    private static ((float X, float Y) TopLeft, (float X, float Y) BottomRight) Box(SamPrompt prompt)
    {
        var tl = prompt.Points.Single(p => p.Label == SamPrompt.BoxTopLeft);
        var br = prompt.Points.Single(p => p.Label == SamPrompt.BoxBottomRight);
        return (prompt.Frame.FromInput(tl.X, tl.Y), prompt.Frame.FromInput(br.X, br.Y));
    }

    private static bool Near((float X, float Y) point, float x, float y) =>
        Math.Abs(point.X - x) < 0.01f && Math.Abs(point.Y - y) < 0.01f;
}
