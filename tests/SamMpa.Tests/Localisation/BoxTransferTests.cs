using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class BoxTransferTests
{
    [Fact]
    public void Moves_and_scales_the_support_mask_into_the_query_box()
    {
        using var support = new GrayImage(32, 32);
        for (var y = 2; y < 10; y++)
        {
            for (var x = 4; x < 12; x++)
            {
                support[x, y] = 1;
            }
        }

        var supportBox = BoxTransfer.BoundsOf(support)!;
        var queryBox = new CandidateBox(0, 16, 20, 31, 27, 0, 0, 1);

        using var moved = BoxTransfer.Place(support, supportBox, queryBox, 40, 40);

        Assert.Equal((4, 2, 11, 9), (supportBox.X0, supportBox.Y0, supportBox.X1, supportBox.Y1));
        var placed = BoxTransfer.BoundsOf(moved)!;
        Assert.Equal((16, 20, 31, 27), (placed.X0, placed.Y0, placed.X1, placed.Y1));
        Assert.Equal(16 * 8, moved.Pixels.ToArray().Count(v => v >= 0.5f));
        Assert.Equal(0f, moved[5, 5]);
    }

    [Fact]
    public void A_box_past_the_border_is_clipped()
    {
        using var support = new GrayImage(8, 8);
        support.Pixels.Fill(1);
        var box = new CandidateBox(0, 0, 0, 7, 7, 64, 64, 1);

        using var moved = BoxTransfer.Place(support, box, new CandidateBox(0, 12, 12, 19, 19, 0, 0, 1), 16, 16);

        Assert.Equal(16, moved.Pixels.ToArray().Count(v => v >= 0.5f));
    }
}
