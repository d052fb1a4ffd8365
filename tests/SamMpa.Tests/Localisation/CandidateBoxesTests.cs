using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class CandidateBoxesTests
{
    private static GrayImage TwoSquares()
    {
        var map = new GrayImage(40, 30);
        for (var y = 5; y <= 14; y++)
        {
            for (var x = 3; x <= 12; x++)
            {
                map[x, y] = 0.9f; // 100 pixels, mass 90
            }
        }

        for (var y = 20; y <= 23; y++)
        {
            for (var x = 30; x <= 35; x++)
            {
                map[x, y] = 0.6f; // 24 pixels, mass 14.4
            }
        }

        map[38, 2] = 0.4f; // below the threshold
        return map;
    }

    [Fact]
    public void Finds_components_as_boxes_strongest_first()
    {
        using var map = TwoSquares();

        var boxes = CandidateBoxes.Find(map);

        Assert.Equal(2, boxes.Count);
        Assert.Equal((3, 5, 12, 14, 100), (boxes[0].X0, boxes[0].Y0, boxes[0].X1, boxes[0].Y1, boxes[0].Area));
        Assert.Equal(90, boxes[0].Mass, 3);
        Assert.Equal(0.9f, boxes[0].Peak);
        Assert.Equal((30, 20, 35, 23, 24), (boxes[1].X0, boxes[1].Y0, boxes[1].X1, boxes[1].Y1, boxes[1].Area));
        Assert.Equal((0, 1), (boxes[0].Label, boxes[1].Label));
    }

    [Fact]
    public void Keeps_the_strongest_components()
    {
        using var map = TwoSquares();

        using var largest = CandidateBoxes.KeepStrongest(map, maxComponents: 1);
        using var both = CandidateBoxes.KeepStrongest(map, minShareOfLargest: 0.1);
        using var share = CandidateBoxes.KeepStrongest(map, minShareOfLargest: 0.3);

        Assert.Equal(100, largest.Pixels.ToArray().Count(v => v == 1f));
        Assert.Equal(124, both.Pixels.ToArray().Count(v => v == 1f));
        Assert.Equal(100, share.Pixels.ToArray().Count(v => v == 1f));
    }

    [Fact]
    public void Diagonal_neighbours_join_and_an_empty_map_has_no_box()
    {
        using var map = new GrayImage(5, 5);
        map[1, 1] = 1;
        map[2, 2] = 1;
        Assert.Single(CandidateBoxes.Find(map));

        using var empty = new GrayImage(5, 5);
        Assert.Empty(CandidateBoxes.Find(empty));
        Assert.Null(BoxTransfer.BoundsOf(empty));
    }

    [Fact]
    public void Restricting_to_a_box_keeps_its_margin_and_clears_the_rest()
    {
        using var map = TwoSquares();
        var boxes = CandidateBoxes.Find(map);

        using var restricted = CandidateBoxes.RestrictTo(map, boxes[0], margin: 0.2f);

        Assert.Single(CandidateBoxes.Find(restricted));
        Assert.Equal(0.9f, restricted[3, 5]);
        Assert.Equal(0f, restricted[30, 20]);
        map[1, 3] = 0.7f; // inside the 2-pixel margin of the 10x10 box
        using var again = CandidateBoxes.RestrictTo(map, boxes[0], margin: 0.2f);
        Assert.Equal(0.7f, again[1, 3]);
        Assert.Equal(0f, again[0, 2]);
    }
}
