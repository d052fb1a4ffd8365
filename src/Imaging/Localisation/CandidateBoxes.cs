using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// Connected components (8-connected) of a probability map above a threshold, as candidate target boxes sorted by
/// probability mass (the likeliest first), and masks made of chosen components.
/// </summary>
public static class CandidateBoxes
{
    /// <summary>The components above <paramref name="threshold"/>, largest mass first (ties: top-left first).</summary>
    public static IReadOnlyList<CandidateBox> Find(GrayImage probability, float threshold = 0.5f) => Label(probability, threshold).Boxes;

    /// <summary>Labels every pixel with its component's index in the returned boxes (-1 below the threshold).</summary>
    public static (int[] Labels, IReadOnlyList<CandidateBox> Boxes) Label(GrayImage probability, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(probability);
        var width = probability.Width;
        var height = probability.Height;
        var p = probability.Pixels;
        var labels = new int[width * height];
        Array.Fill(labels, -1);
        var boxes = new List<CandidateBox>();
        var stack = new Stack<int>();
        for (var start = 0; start < labels.Length; start++)
        {
            if (labels[start] >= 0 || !(p[start] >= threshold))
            {
                continue;
            }

            var label = boxes.Count;
            int x0 = width, y0 = height, x1 = -1, y1 = -1, area = 0;
            var mass = 0.0;
            var peak = 0f;
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var i = stack.Pop();
                int x = i % width, y = i / width;
                x0 = Math.Min(x0, x);
                x1 = Math.Max(x1, x);
                y0 = Math.Min(y0, y);
                y1 = Math.Max(y1, y);
                area++;
                mass += p[i];
                peak = Math.Max(peak, p[i]);
                for (var dy = -1; dy <= 1; dy++)
                {
                    var ny = y + dy;
                    if (ny < 0 || ny >= height)
                    {
                        continue;
                    }

                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var nx = x + dx;
                        if (nx < 0 || nx >= width)
                        {
                            continue;
                        }

                        var j = (ny * width) + nx;
                        if (labels[j] < 0 && p[j] >= threshold)
                        {
                            labels[j] = label;
                            stack.Push(j);
                        }
                    }
                }
            }

            boxes.Add(new CandidateBox(label, x0, y0, x1, y1, area, mass, peak));
        }

        // Sort by mass and renumber the labels to the sorted order.
        var order = boxes.OrderByDescending(b => b.Mass).ThenBy(b => b.Label).ToArray();
        var rank = new int[boxes.Count];
        for (var r = 0; r < order.Length; r++)
        {
            rank[order[r].Label] = r;
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= 0)
            {
                labels[i] = rank[labels[i]];
            }
        }

        var sorted = order.Select((b, r) => b with { Label = r }).ToArray();
        return (labels, sorted);
    }

    /// <summary>
    /// A 0/1 mask of the components whose mass is at least <paramref name="minShareOfLargest"/> of the largest one's
    /// (1 keeps only the largest; 0 keeps all), at most <paramref name="maxComponents"/> of them.
    /// </summary>
    public static GrayImage KeepStrongest(GrayImage probability, float threshold = 0.5f, double minShareOfLargest = 0, int maxComponents = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(probability);
        var (labels, boxes) = Label(probability, threshold);
        var keep = new bool[boxes.Count];
        for (var r = 0; r < boxes.Count && r < maxComponents; r++)
        {
            keep[r] = boxes[r].Mass >= minShareOfLargest * boxes[0].Mass;
        }

        var mask = new GrayImage(probability.Width, probability.Height);
        var pixels = mask.Pixels;
        for (var i = 0; i < labels.Length; i++)
        {
            pixels[i] = labels[i] >= 0 && keep[labels[i]] ? 1f : 0f;
        }

        return mask;
    }

    /// <summary>
    /// The map with every pixel outside <paramref name="box"/> (grown by <paramref name="margin"/> of its size on each
    /// side) set to 0: one candidate kept, e.g. to seed a refinement with a single target.
    /// </summary>
    public static GrayImage RestrictTo(GrayImage probability, CandidateBox box, float margin = 0.15f)
    {
        ArgumentNullException.ThrowIfNull(probability);
        ArgumentNullException.ThrowIfNull(box);
        var growX = (int)MathF.Ceiling(box.Width * margin);
        var growY = (int)MathF.Ceiling(box.Height * margin);
        int x0 = Math.Max(box.X0 - growX, 0), x1 = Math.Min(box.X1 + growX, probability.Width - 1);
        int y0 = Math.Max(box.Y0 - growY, 0), y1 = Math.Min(box.Y1 + growY, probability.Height - 1);
        var restricted = new GrayImage(probability.Width, probability.Height);
        for (var y = y0; y <= y1; y++)
        {
            probability.Row(y)[x0..(x1 + 1)].CopyTo(restricted.Row(y)[x0..(x1 + 1)]);
        }

        return restricted;
    }
}
