using SamMpa.Dicom;
using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>Masks of known shapes, source headers built in memory, and the options the SEG tests write with.</summary>
internal static class DicomSegTestData
{
    public static DicomSegOptions Options => new()
    {
        TargetName = "Left lung",
        TargetCode = new DicomCode { Value = "44029006", Scheme = "SCT", Meaning = "Left lung structure" },
        AlgorithmVersion = "1.4.0",
    };

    /// <summary>An ellipse and a rectangle apart from it (nothing symmetric, so a flipped or shifted frame shows), shifted by <paramref name="shift"/>.</summary>
    public static GrayImage Mask(int width, int height, int shift = 0)
    {
        var mask = new GrayImage(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var dx = (x - (width / 3.0) - shift) / (width / 5.0);
                var dy = (y - (height / 2.0)) / (height / 4.0);
                var inRectangle = x >= (width * 5 / 8) + shift && x < (width * 7 / 8) && y >= height / 8 && y < height / 3;
                mask[x, y] = (dx * dx) + (dy * dy) <= 1 || inRectangle ? 1f : 0f;
            }
        }

        return mask;
    }

    /// <summary>The mask as read_seg.py prints a frame: '1' inside, '0' outside, row by row.</summary>
    public static string Bits(GrayImage mask) => new([.. mask.Pixels.ToArray().Select(value => value != 0 ? '1' : '0')]);

    /// <summary>A source header as the reader gives it, without a file: a secondary capture of the given size.</summary>
    public static DicomHeader Header(int columns, int rows, int frames = 1) => new()
    {
        TransferSyntax = DicomTransferSyntax.ExplicitVrLittleEndian,
        Rows = rows,
        Columns = columns,
        BitsAllocated = 8,
        BitsStored = 8,
        HighBit = 7,
        PixelRepresentation = 0,
        SamplesPerPixel = 1,
        PhotometricInterpretation = "MONOCHROME2",
        NumberOfFrames = frames,
        PixelDataEncapsulated = false,
        Provenance = new DicomProvenance
        {
            StudyInstanceUid = "1.2.3.100",
            SeriesInstanceUid = "1.2.3.100.1",
            SopInstanceUid = "1.2.3.100.1.1",
            SopClassUid = frames == 1 ? "1.2.840.10008.5.1.4.1.1.7" : "1.2.840.10008.5.1.4.1.1.7.2", // (multi-frame grayscale byte) secondary capture
        },
        PatientStudy = new DicomPatientStudy { PatientName = "Doe^Jane", PatientId = "P-7" },
    };
}
