using System.Text.Json;
using System.Text.Json.Serialization;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// Where one image of a dataset came from: for an image read from DICOM, its instance and frame, the site and scanner
/// (what supports are stratified by, and Dice is reported per) and the source to send results back to. Stored as
/// <c>datasets/{id}/provenance/{stem}.json</c> (snake_case) beside the image; images without one have no site.
/// </summary>
public sealed record ImageProvenance
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string StudyInstanceUid { get; init; } = "";

    public string SeriesInstanceUid { get; init; } = "";

    public string SopInstanceUid { get; init; } = "";

    public string SopClassUid { get; init; } = "";

    public string FrameOfReferenceUid { get; init; } = "";

    /// <summary>The frame (0-based) of a multi-frame instance this image is; 0 for a single frame.</summary>
    public int Frame { get; init; }

    public int Frames { get; init; } = 1;

    public string InstitutionName { get; init; } = "";

    public string Manufacturer { get; init; } = "";

    public string ManufacturerModelName { get; init; } = "";

    public string StationName { get; init; } = "";

    public string Modality { get; init; } = "";

    /// <summary>Row and column spacing in millimetres, when the instance says.</summary>
    public double[]? PixelSpacing { get; init; }

    /// <summary>The instance as read (Part-10), <c>datasets/{id}/dicom/{sop}.dcm</c>: the header SEG objects reference.</summary>
    public string? SourceInstanceBlob { get; init; }

    /// <summary>The DICOMweb service root the instance came from (STOW-RS sends results back there); null for files.</summary>
    public string? DicomWebRoot { get; init; }

    /// <summary>The file the instance was read from, for files.</summary>
    public string? SourceFile { get; init; }

    /// <summary>The value of a stratification field: <c>site</c> (institution, else manufacturer), or one attribute by name.</summary>
    public string ValueOf(string field) => field switch
    {
        "site" => InstitutionName.Length > 0 ? InstitutionName : Manufacturer,
        "institution" or "InstitutionName" => InstitutionName,
        "manufacturer" or "Manufacturer" => Manufacturer,
        "model" or "ManufacturerModelName" => ManufacturerModelName,
        "station" or "StationName" => StationName,
        "series" or "SeriesInstanceUid" => SeriesInstanceUid,
        _ => throw new ArgumentException($"'{field}' is not a field to stratify by: use {string.Join(", ", Fields)}.", nameof(field)),
    };

    /// <summary>The names <see cref="ValueOf"/> takes (short forms; the DICOM keywords work too).</summary>
    public static IReadOnlyList<string> Fields { get; } = ["site", "institution", "manufacturer", "model", "station", "series"];

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static ImageProvenance FromJson(ReadOnlySpan<byte> json, string blob) =>
        JsonSerializer.Deserialize<ImageProvenance>(json, Json) ?? throw new InvalidDataException($"{blob} is empty.");
}
