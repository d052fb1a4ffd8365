using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Embeddings;

/// <summary>Deterministic synthetic gray images (0..255 scale).</summary>
internal static class TestImages
{
    /// <summary>A smooth background with a bright disc; shift moves the disc, brightness adds an offset.</summary>
    public static GrayImage Disc(int width = 160, int height = 128, int shiftX = 0, int shiftY = 0, float brightness = 0)
    {
        var image = new GrayImage(width, height);
        var cx = (width * 0.45f) + shiftX;
        var cy = (height * 0.5f) + shiftY;
        var r = Math.Min(width, height) * 0.25f;
        for (var y = 0; y < height; y++)
        {
            var row = image.Row(y);
            for (var x = 0; x < width; x++)
            {
                var background = 40f + (60f * y / height);
                var d = MathF.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                var value = d < r ? 200f : background;
                row[x] = Math.Clamp(value + brightness, 0f, 255f);
            }
        }

        return image;
    }

    /// <summary>High-frequency diagonal stripes: nothing like <see cref="Disc"/>.</summary>
    public static GrayImage Stripes(int width = 160, int height = 128)
    {
        var image = new GrayImage(width, height);
        for (var y = 0; y < height; y++)
        {
            var row = image.Row(y);
            for (var x = 0; x < width; x++)
            {
                row[x] = ((x + (2 * y)) / 6 % 2 == 0) ? 255f : 0f;
            }
        }

        return image;
    }

    public static GrayImage Uniform(int width, int height, float value)
    {
        var image = new GrayImage(width, height);
        image.Pixels.Fill(value);
        return image;
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
