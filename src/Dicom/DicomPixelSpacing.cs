namespace SamMpa.Dicom;

/// <summary>
/// Physical distance between pixel centres in millimetres: between rows (vertical) and between columns (horizontal),
/// from Pixel Spacing (0028,0030) or, for projection radiographs without it, Imager Pixel Spacing (0018,1164).
/// </summary>
public sealed record DicomPixelSpacing(double RowMillimetres, double ColumnMillimetres, string Source);
