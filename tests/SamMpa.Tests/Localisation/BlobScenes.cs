using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

/// <summary>
/// Synthetic scenes for the localisation tests: a bright disc at a random place on a noisy, shaded background, its
/// 0/1 mask, and hand-made dense features (local mean and contrast per cell plus noise channels), so the pixel model
/// can be tested without the ONNX model.
/// </summary>
internal static class BlobScenes
{
    public sealed record Scene(GrayImage Image, GrayImage Mask, float CentreX, float CentreY, float Radius) : IDisposable
    {
        public void Dispose()
        {
            Image.Dispose();
            Mask.Dispose();
        }
    }

    public static Scene Create(Random random, int size = 128)
    {
        var radius = size * (0.08f + (0.05f * random.NextSingle()));
        var cx = radius + 4 + (random.NextSingle() * (size - (2 * radius) - 8));
        var cy = radius + 4 + (random.NextSingle() * (size - (2 * radius) - 8));
        var image = new GrayImage(size, size);
        var mask = new GrayImage(size, size);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var inside = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) < radius * radius;
                var background = 50f + (40f * x / size);
                image[x, y] = Math.Clamp((inside ? 190f : background) + ((random.NextSingle() - 0.5f) * 30f), 0f, 255f);
                mask[x, y] = inside ? 1f : 0f;
            }
        }

        return new Scene(image, mask, cx, cy, radius);
    }

    /// <summary>
    /// 6 channels on a grid x grid map: the cell's mean intensity, its spread, their squares, and two noise channels.
    /// </summary>
    public static DenseFeatureMap Features(GrayImage image, Random random, int grid = 16)
    {
        const int channels = 6;
        var cells = grid * grid;
        var values = new float[channels * cells];
        var cell = image.Width / grid;
        for (var gy = 0; gy < grid; gy++)
        {
            for (var gx = 0; gx < grid; gx++)
            {
                double sum = 0, square = 0;
                for (var y = gy * cell; y < (gy + 1) * cell; y++)
                {
                    for (var x = gx * cell; x < (gx + 1) * cell; x++)
                    {
                        sum += image[x, y];
                        square += image[x, y] * (double)image[x, y];
                    }
                }

                var n = cell * cell;
                var mean = (float)(sum / n / 255);
                var spread = (float)Math.Sqrt(Math.Max((square / n) - ((sum / n) * (sum / n)), 0)) / 255f;
                var i = (gy * grid) + gx;
                values[i] = mean;
                values[cells + i] = spread;
                values[(2 * cells) + i] = mean * mean;
                values[(3 * cells) + i] = spread * spread;
                values[(4 * cells) + i] = random.NextSingle() * 0.2f;
                values[(5 * cells) + i] = random.NextSingle() * 0.2f;
            }
        }

        return new DenseFeatureMap(channels, grid, grid, values);
    }

    public static double Dice(ReadOnlySpan<float> predicted, ReadOnlySpan<float> truth)
    {
        double both = 0, a = 0, b = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            var p = predicted[i] >= 0.5f ? 1 : 0;
            var t = truth[i] >= 0.5f ? 1 : 0;
            both += p * t;
            a += p;
            b += t;
        }

        return a + b == 0 ? 1 : 2 * both / (a + b);
    }
}
