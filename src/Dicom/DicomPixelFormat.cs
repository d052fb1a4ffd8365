using SamMpa.Imaging.Images;

namespace SamMpa.Dicom;

/// <summary>
/// The checks a header passes before any pixel is decoded or decompressed: grey (one sample, MONOCHROME1/2), a bit
/// layout the reader decodes (8 or 16 bits allocated), and a size within <see cref="ImageLimits"/>.
/// </summary>
internal static class DicomPixelFormat
{
    public static void Check(DicomHeader header, string name, ImageLimits limits)
    {
        if (header.SamplesPerPixel != 1)
        {
            throw new DicomReadException(name, $"colour image ({header.SamplesPerPixel} samples per pixel, {header.PhotometricInterpretation}); only grey images (MONOCHROME1 or MONOCHROME2) are segmented");
        }

        if (header.PhotometricInterpretation is not ("MONOCHROME1" or "MONOCHROME2"))
        {
            throw new DicomReadException(name, $"photometric interpretation {header.PhotometricInterpretation} is not grey; only MONOCHROME1 and MONOCHROME2 are segmented");
        }

        if (header.BitsAllocated is not (8 or 16))
        {
            throw new DicomReadException(name, $"{header.BitsAllocated} bits allocated per pixel; only 8 and 16 are read");
        }

        if (header.BitsStored < 1 || header.BitsStored > header.BitsAllocated ||
            header.HighBit < header.BitsStored - 1 || header.HighBit >= header.BitsAllocated)
        {
            throw new DicomReadException(name, $"inconsistent bit layout: {header.BitsAllocated} allocated, {header.BitsStored} stored, high bit {header.HighBit}");
        }

        if (header.PixelRepresentation is not (0 or 1))
        {
            throw new DicomReadException(name, $"pixel representation {header.PixelRepresentation}; 0 (unsigned) or 1 (signed) is needed");
        }

        CheckSize(header, name, limits);
    }

    // The declared size alone decides: a 60000x60000 header over a few bytes of data is refused here, unread.
    private static void CheckSize(DicomHeader header, string name, ImageLimits limits)
    {
        if (header.PixelsPerFrame > limits.MaxPixels)
        {
            throw new DicomReadException(
                name, $"declares frames of {header.Columns}x{header.Rows} pixels ({header.PixelsPerFrame:N0}), above the limit of {limits.MaxPixels:N0} pixels ({limits.MaxPixelsSetting}); it was not decoded");
        }

        // In 128 bits: 65535 x 65535 pixels x 2^31 frames overflows a long.
        var nativeBytes = (Int128)header.PixelsPerFrame * header.NumberOfFrames * header.SamplesPerPixel * ((header.BitsAllocated + 7) / 8);
        if (nativeBytes > limits.MaxBytes)
        {
            throw new DicomReadException(
                name, $"declares {header.NumberOfFrames:N0} frame(s) of {header.Columns}x{header.Rows} pixels, {nativeBytes:N0} bytes of pixel data, above the limit of {limits.MaxBytes:N0} bytes ({limits.MaxBytesSetting}); it was not decoded");
        }
    }
}
