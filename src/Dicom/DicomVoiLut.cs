namespace SamMpa.Dicom;

/// <summary>
/// A VOI LUT (PS3.3 C.11.2.1.1): modality value <see cref="FirstMapped"/> maps to <see cref="Entries"/>[0], values
/// below to the first entry, above the last to the last; entries are <see cref="BitsPerEntry"/> bits wide.
/// </summary>
public sealed record DicomVoiLut(int FirstMapped, int BitsPerEntry, IReadOnlyList<ushort> Entries);
