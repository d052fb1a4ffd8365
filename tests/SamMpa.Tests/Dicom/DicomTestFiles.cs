using System.Buffers.Binary;
using System.Text;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// Makes DICOM test files with the toolkits, from images generated here: a 16-bit (or 8-bit) PGM turned into a
/// DICOM instance by gdcmimg (img2dcm reads only JPEG and BMP), made explicit VR little endian by dcmconv, its tags
/// set by dcmodify, then converted to each transfer syntax by the toolkit's own encoders.
/// </summary>
internal sealed class DicomTestFiles(string folder)
{
    public const int Width = 64;
    public const int Height = 48;

    /// <summary>Full-range 16-bit values with structure and noise (so every bit matters to a lossless codec).</summary>
    public static ushort[] Pattern16(int seed = 1)
    {
        var random = new Random(seed);
        var values = new ushort[Width * Height];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var ramp = (x * 65535 / (Width - 1) / 2) + (y * 65535 / (Height - 1) / 2);
                values[(y * Width) + x] = (ushort)Math.Clamp(ramp + random.Next(-2000, 2000), 0, 65535);
            }
        }

        values[0] = 0;
        values[^1] = 65535;
        return values;
    }

    /// <summary>A smooth 8-bit ramp (what a lossy JPEG keeps closely).</summary>
    public static byte[] Ramp8()
    {
        var values = new byte[Width * Height];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                values[(y * Width) + x] = (byte)(((x * 255 / (Width - 1)) + (y * 255 / (Height - 1))) / 2);
            }
        }

        return values;
    }

    public string File(string name) => Path.Combine(folder, name);

    /// <summary>A 16-bit MONOCHROME2 explicit VR little endian instance of <paramref name="values"/>, then dcmodify's <paramref name="modifications"/>.</summary>
    public Task<string> Native16Async(string name, ushort[] values, params string[] modifications) =>
        Native16Async(name, values, Width, Height, modifications);

    /// <summary>A 16-bit MONOCHROME2 explicit VR little endian instance of <paramref name="width"/> x <paramref name="height"/> <paramref name="values"/>.</summary>
    public async Task<string> Native16Async(string name, ushort[] values, int width, int height, params string[] modifications)
    {
        var pgm = File($"{name}.pgm");
        var samples = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(samples.AsSpan(2 * i), values[i]); // PGM is big endian
        }

        await WritePnmAsync(pgm, "P5", 65535, samples, width, height);
        return await FromPnmAsync(name, pgm, modifications);
    }

    /// <summary>An 8-bit MONOCHROME2 explicit VR little endian instance.</summary>
    public async Task<string> Native8Async(string name, byte[] values, params string[] modifications)
    {
        var pgm = File($"{name}.pgm");
        await WritePnmAsync(pgm, "P5", 255, values);
        return await FromPnmAsync(name, pgm, modifications);
    }

    /// <summary>An 8-bit RGB instance (three samples per pixel).</summary>
    public async Task<string> ColourAsync(string name)
    {
        var ppm = File($"{name}.ppm");
        var samples = new byte[Width * Height * 3];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (byte)(i * 7);
        }

        await WritePnmAsync(ppm, "P6", 255, samples);
        return await FromPnmAsync(name, ppm, []);
    }

    /// <summary>Runs a converter from <paramref name="source"/> to a new file <paramref name="name"/>: arguments, source, target.</summary>
    public async Task<string> ConvertAsync(string source, string name, string command, params string[] arguments)
    {
        var target = File($"{name}.dcm");
        await DicomToolkit.RunAsync(folder, command, [.. arguments, source, target]);
        return target;
    }

    /// <summary>dcmodify in place (no backup): each argument as dcmodify takes it ("-i", "(0008,0080)=Site A", ...).</summary>
    public Task ModifyAsync(string path, params string[] modifications) =>
        DicomToolkit.RunAsync(folder, "dcmodify", ["-nb", .. modifications, path]);

    private async Task<string> FromPnmAsync(string name, string pnm, string[] modifications)
    {
        // gdcmimg writes a PGM's big-endian samples under a private GE syntax; dcmconv makes it standard.
        var made = File($"{name}.gdcmimg.dcm");
        await DicomToolkit.RunAsync(folder, "gdcmimg", "-i", pnm, "-o", made);
        var native = await ConvertAsync(made, name, "dcmconv", "+te");
        if (modifications.Length > 0)
        {
            await ModifyAsync(native, modifications);
        }

        return native;
    }

    private static async Task WritePnmAsync(string path, string magic, int maxValue, byte[] samples, int width = Width, int height = Height)
    {
        await using var stream = System.IO.File.Create(path);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{magic}\n{width} {height}\n{maxValue}\n"));
        await stream.WriteAsync(samples);
    }
}
