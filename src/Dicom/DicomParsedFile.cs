namespace SamMpa.Dicom;

/// <summary>A parsed file: its header, and the dataset bytes holding the pixel data (length -1: encapsulated).</summary>
internal sealed record DicomParsedFile(DicomHeader Header, byte[] Dataset, int PixelDataOffset, int PixelDataLength);
