namespace SamMpa.Dicom.Import;

/// <summary>
/// One dataset image made from one frame of a DICOM instance: its file name (<c>{stem}.png</c>, or
/// <c>{stem}-f{NNN}.png</c> for frame NNN, 1-based, of a multi-frame instance) and its 16-bit grey PNG.
/// </summary>
/// <param name="Frame">The frame, 0-based (ImageProvenance.Frame).</param>
public sealed record DicomImportedImage(string Name, int Frame, byte[] Png);
