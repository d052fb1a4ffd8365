namespace SamMpa.Grains.Datasets;

/// <summary>
/// What a run's report groups its figures by: the provenance field, whether the supports were chosen per stratum, and
/// every image's value of the field ("" when unknown), by image name.
/// </summary>
internal sealed record ReportStrata(string Field, bool Stratified, IReadOnlyDictionary<string, string> ByImage)
{
    /// <summary>The stratum an image is reported under: its value, or <see cref="DatasetReport.UnknownStratum"/>.</summary>
    public string Of(string image) =>
        ByImage.TryGetValue(image, out var stratum) && stratum.Length > 0 ? stratum : DatasetReport.UnknownStratum;
}
