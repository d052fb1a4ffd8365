using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Phantoms;

/// <summary>
/// Synthetic "anatomy" for tests and the demo: a textured background, a body ellipse, a distractor blob and a target organ
/// (an irregular blob with a smooth intensity gradient) whose binary mask is returned with the image.
/// <see cref="CreateDeformed"/> warps the same anatomy by a random smooth deformation (a sum of Gaussian
/// displacement bumps) and adds Gaussian noise, so two deformations of one anatomy form a support/query pair.
/// Intensities are on the 0..255 scale, masks are 0/1. Everything is deterministic for a given seed.
/// </summary>
public static class Phantoms
{
    /// <summary>The undeformed anatomy for <paramref name="seed"/>, with light noise.</summary>
    public static (GrayImage Image, GrayImage Mask) Create(int size, int seed) =>
        Render(size, Anatomy.FromSeed(seed), Deformation.Identity, new Random(Mix(seed, 0x5eed)), noiseSigma: 4);

    /// <summary>
    /// The anatomy for <paramref name="seed"/> warped by the deformation for <paramref name="deformationSeed"/>:
    /// a few Gaussian bumps whose peak displacement is about <paramref name="amplitude"/> times the size.
    /// </summary>
    public static (GrayImage Image, GrayImage Mask) CreateDeformed(
        int size, int seed, int deformationSeed, double amplitude = 0.08, double noiseSigma = 4)
    {
        var random = new Random(Mix(seed, deformationSeed));
        var deformation = Deformation.Random(size, amplitude, random);
        return Render(size, Anatomy.FromSeed(seed), deformation, random, noiseSigma);
    }

    private static (GrayImage Image, GrayImage Mask) Render(
        int size, Anatomy anatomy, Deformation deformation, Random random, double noiseSigma)
    {
        var image = new GrayImage(size, size);
        var mask = new GrayImage(size, size);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                // Pull-back: the pixel at x shows the anatomy at x + u(x).
                var (dx, dy) = deformation.At(x, y);
                double u = (x + dx) / size, v = (y + dy) / size;
                var (intensity, inside) = anatomy.At(u, v, size);
                image[x, y] = (float)Math.Clamp(intensity + (noiseSigma * Gaussian(random)), 0, 255);
                mask[x, y] = inside ? 1f : 0f;
            }
        }

        return (image, mask);
    }

    /// <summary>
    /// Two seeds into one, the same in every process (<see cref="HashCode.Combine{T1, T2}"/> is salted per process,
    /// which made the noise and the deformations differ from run to run): both packed into 64 bits, then the
    /// MurmurHash3 64-bit finalizer.
    /// </summary>
    private static int Mix(int a, int b)
    {
        unchecked
        {
            var h = ((ulong)(uint)a << 32) | (uint)b;
            h ^= h >> 33;
            h *= 0xff51afd7ed558ccdUL;
            h ^= h >> 33;
            h *= 0xc4ceb9fe1a85ec53UL;
            h ^= h >> 33;
            return (int)h;
        }
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Smooth step from 1 (inside, d &lt; 0) to 0 (outside) over about a pixel.</summary>
    private static double Inside(double signedDistancePixels) => 1.0 / (1.0 + Math.Exp(signedDistancePixels / 0.6));

    private sealed record Blob(double Cx, double Cy, double Rx, double Ry, double Angle, double[] Harmonics, double[] Phases)
    {
        public static Blob Random(Random r, double cx, double cy, double radius, double spread, double irregularity) => new(
            cx + ((r.NextDouble() - 0.5) * spread),
            cy + ((r.NextDouble() - 0.5) * spread),
            radius * (0.85 + (0.3 * r.NextDouble())),
            radius * (0.65 + (0.3 * r.NextDouble())),
            r.NextDouble() * Math.PI,
            [irregularity * r.NextDouble(), irregularity * r.NextDouble(), 0.5 * irregularity * r.NextDouble()],
            [r.NextDouble() * 2 * Math.PI, r.NextDouble() * 2 * Math.PI, r.NextDouble() * 2 * Math.PI]);

        /// <summary>Approximate signed distance in pixels (negative inside).</summary>
        public double SignedDistance(double u, double v, int size)
        {
            double px = u - Cx, py = v - Cy;
            double c = Math.Cos(Angle), s = Math.Sin(Angle);
            double a = (c * px) + (s * py), b = (-s * px) + (c * py);
            var theta = Math.Atan2(b / Ry, a / Rx);
            var boundary = 1.0;
            for (var k = 0; k < Harmonics.Length; k++)
            {
                boundary += Harmonics[k] * Math.Cos(((k + 2) * theta) + Phases[k]);
            }

            var rho = Math.Sqrt(((a / Rx) * (a / Rx)) + ((b / Ry) * (b / Ry)));
            return (rho - boundary) * Math.Min(Rx, Ry) * size;
        }
    }

    private sealed record Anatomy(Blob Body, Blob Organ, Blob Distractor, double[] Texture, double Brightness)
    {
        public static Anatomy FromSeed(int seed)
        {
            var r = new Random(seed);
            var body = Blob.Random(r, 0.5, 0.5, 0.40, 0.04, 0.05);
            var organ = Blob.Random(r, 0.45, 0.5, 0.17, 0.10, 0.12);
            var distractor = Blob.Random(r, 0.7, 0.35, 0.08, 0.08, 0.08);
            var texture = new double[8];
            for (var i = 0; i < texture.Length; i++)
            {
                texture[i] = r.NextDouble();
            }

            return new Anatomy(body, organ, distractor, texture, 150 + (40 * r.NextDouble()));
        }

        public (double Intensity, bool InOrgan) At(double u, double v, int size)
        {
            // Low-frequency texture everywhere, a body, a distractor and the organ with a gradient across it.
            var texture = 12 * (Math.Sin((6 + (4 * Texture[0])) * u + (6 * Texture[1]))
                                * Math.Cos((5 + (4 * Texture[2])) * v + (6 * Texture[3])))
                          + (6 * Math.Sin(((14 + (6 * Texture[4])) * (u + v)) + (6 * Texture[5])));
            var organDistance = Organ.SignedDistance(u, v, size);
            var body = Inside(Body.SignedDistance(u, v, size));
            var organ = Inside(organDistance);
            var distractor = Inside(Distractor.SignedDistance(u, v, size));
            var gradient = 1 + (0.15 * ((u - Organ.Cx) / Organ.Rx));
            var intensity = 25 + texture
                            + (50 * body)
                            + (45 * distractor * (1 - organ))
                            + ((Brightness - 75) * organ * gradient);
            return (intensity, organDistance < 0);
        }
    }

    private sealed class Deformation
    {
        private readonly (double X, double Y, double Sigma2, double Dx, double Dy)[] _bumps;

        private Deformation((double, double, double, double, double)[] bumps) => _bumps = bumps;

        public static Deformation Identity { get; } = new([]);

        public static Deformation Random(int size, double amplitude, Random r)
        {
            var bumps = new (double, double, double, double, double)[4];
            for (var i = 0; i < bumps.Length; i++)
            {
                var sigma = size * (0.18 + (0.1 * r.NextDouble()));
                var magnitude = amplitude * size * (0.6 + (0.4 * r.NextDouble()));
                var direction = r.NextDouble() * 2 * Math.PI;
                bumps[i] = (size * (0.25 + (0.5 * r.NextDouble())), size * (0.25 + (0.5 * r.NextDouble())),
                            sigma * sigma, magnitude * Math.Cos(direction), magnitude * Math.Sin(direction));
            }

            return new Deformation(bumps);
        }

        public (double Dx, double Dy) At(double x, double y)
        {
            double dx = 0, dy = 0;
            foreach (var (bx, by, sigma2, bdx, bdy) in _bumps)
            {
                var w = Math.Exp(-(((x - bx) * (x - bx)) + ((y - by) * (y - by))) / (2 * sigma2));
                dx += w * bdx;
                dy += w * bdy;
            }

            return (dx, dy);
        }
    }
}
