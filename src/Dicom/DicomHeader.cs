namespace SamMpa.Dicom;

/// <summary>
/// What the product needs of a DICOM instance's header: the pixel format and geometry, the grey-level transforms
/// (rescale, window, VOI LUT presence) and the provenance. Read by <see cref="DicomHeaderReader"/> without decoding pixels.
/// </summary>
public sealed record DicomHeader
{
    public required DicomTransferSyntax TransferSyntax { get; init; }

    public required int Rows { get; init; }

    public required int Columns { get; init; }

    public required int BitsAllocated { get; init; }

    public required int BitsStored { get; init; }

    public required int HighBit { get; init; }

    /// <summary>0 unsigned, 1 two's complement.</summary>
    public required int PixelRepresentation { get; init; }

    public required int SamplesPerPixel { get; init; }

    /// <summary>MONOCHROME1, MONOCHROME2, RGB, ... as written (trimmed).</summary>
    public required string PhotometricInterpretation { get; init; }

    /// <summary>Number of Frames (0028,0008); 1 when absent.</summary>
    public required int NumberOfFrames { get; init; }

    /// <summary>Rescale Slope (0028,1053); 1 when absent.</summary>
    public double RescaleSlope { get; init; } = 1;

    /// <summary>Rescale Intercept (0028,1052); 0 when absent.</summary>
    public double RescaleIntercept { get; init; }

    /// <summary>The first Window Center/Width pair, when both are present.</summary>
    public DicomWindow? Window { get; init; }

    /// <summary>Whether a VOI LUT Sequence (0028,3010) is present.</summary>
    public bool HasVoiLut => VoiLut is not null;

    /// <summary>The first VOI LUT of the VOI LUT Sequence (0028,3010), when present.</summary>
    public DicomVoiLut? VoiLut { get; init; }

    public DicomPixelSpacing? PixelSpacing { get; init; }

    public required DicomProvenance Provenance { get; init; }

    /// <summary>The Patient and General Study attributes a derived object (a segmentation) copies.</summary>
    public DicomPatientStudy PatientStudy { get; init; } = new();

    /// <summary>Image Position (Patient) (0020,0032) as written (three DS values, backslash-separated); empty when absent.</summary>
    public string ImagePositionPatient { get; init; } = "";

    /// <summary>Image Orientation (Patient) (0020,0037) as written (six DS values); empty when absent.</summary>
    public string ImageOrientationPatient { get; init; } = "";

    /// <summary>Slice Thickness (0018,0050) in millimetres as written (DS); empty when absent.</summary>
    public string SliceThickness { get; init; } = "";

    /// <summary>Whether the pixel data is encapsulated (compressed fragments) rather than native.</summary>
    public required bool PixelDataEncapsulated { get; init; }

    /// <summary>Whether MONOCHROME1 (minimum is white): inverted on reading.</summary>
    public bool IsMonochrome1 => PhotometricInterpretation == "MONOCHROME1";

    /// <summary>Pixels in one frame.</summary>
    public long PixelsPerFrame => (long)Rows * Columns;
}
