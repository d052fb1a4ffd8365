using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SamMpa.Imaging.Images;

namespace SamMpa.Dicom;

/// <summary>
/// Decodes native (uncompressed, little endian) pixel data into one <see cref="GrayImage"/> per frame through the
/// instance's grey-scale table (<see cref="DicomGrayscale"/>): one mask and one lookup a pixel.
/// </summary>
internal static class DicomNativePixels
{
    public static List<GrayImage> Decode(DicomParsedFile file, float[] table, string name)
    {
        var header = file.Header;
        var bytesPerSample = header.BitsAllocated / 8;
        var frameBytes = checked((int)(header.PixelsPerFrame * bytesPerSample));
        var needed = (long)frameBytes * header.NumberOfFrames;
        if (file.PixelDataLength < needed)
        {
            throw new DicomReadException(
                name, $"truncated pixel data: {file.PixelDataLength:N0} bytes, where {header.NumberOfFrames} frame(s) of {header.Columns}x{header.Rows} at {header.BitsAllocated} bits need {needed:N0}");
        }

        var shift = header.HighBit + 1 - header.BitsStored;
        var mask = table.Length - 1;
        var frames = new List<GrayImage>(header.NumberOfFrames);
        try
        {
            for (var frame = 0; frame < header.NumberOfFrames; frame++)
            {
                var source = file.Dataset.AsSpan(file.PixelDataOffset + (frame * frameBytes), frameBytes);
                var image = new GrayImage(header.Columns, header.Rows);
                frames.Add(image);
                var pixels = image.Pixels;
                if (bytesPerSample == 1)
                {
                    for (var i = 0; i < pixels.Length; i++)
                    {
                        pixels[i] = table[(source[i] >> shift) & mask];
                    }
                }
                else if (BitConverter.IsLittleEndian)
                {
                    var samples = MemoryMarshal.Cast<byte, ushort>(source);
                    for (var i = 0; i < pixels.Length; i++)
                    {
                        pixels[i] = table[(samples[i] >> shift) & mask];
                    }
                }
                else
                {
                    for (var i = 0; i < pixels.Length; i++)
                    {
                        pixels[i] = table[(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) >> shift) & mask];
                    }
                }
            }

            return frames;
        }
        catch
        {
            frames.ForEach(image => image.Dispose());
            throw;
        }
    }
}
