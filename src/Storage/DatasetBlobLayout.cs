namespace SamMpa.Storage;

/// <summary>
/// Where a dataset's items live in blob storage:
/// datasets/{dataset}/images/{image}            the images (unless the dataset was created over another prefix)
/// datasets/{dataset}/truth/{stem}.png          optional ground-truth masks, for scoring
/// datasets/{dataset}/annotations/{stem}.png    the supports' annotations (0 background, nonzero foreground)
/// datasets/{dataset}/embeddings/{encoder}/{image}.f16
/// datasets/{dataset}/features/{extractor}/{image}.smpf  dense feature maps (float16) for localisation
/// datasets/{dataset}/coarse/{stem}.png         propagated (coarse) masks of the last completed run, 0/255
/// datasets/{dataset}/masks/{stem}.png          final masks of the last completed run, 0/255
/// datasets/{dataset}/runs/{run}/coarse/{stem}.png, masks/{stem}.png, soft/{stem}.f32
///                                              what the workers of run {run} write (soft: fused soft masks on the
///                                              working grid, read by SAM); the dataset grain copies a completed run's
///                                              masks to coarse/ and masks/, then deletes the other runs' folders
///                                              (the published run's stays until the next publication: its events name it)
/// datasets/{dataset}/failures/{stem}.txt       the whole text of an image's last failure
/// datasets/{dataset}/images.json               the dataset's image list, written once at creation
/// datasets/{dataset}/embedding.json            which images could not be embedded, written when embedding ends
/// datasets/{dataset}/selection.json            the supports and each image's atlases, written per selection
/// datasets/{dataset}/report.json               every outcome of the last completed run; names the masks in coarse/ and masks/.
/// Every id is validated (<see cref="ResourceId"/>) before a name is built.
/// </summary>
public static class DatasetBlobLayout
{
    public const string Root = "datasets";

    public static string Prefix(string dataset) => $"{Root}/{ResourceId.Validate(dataset, "dataset")}/";

    public static string ImagesPrefix(string dataset) => Prefix(dataset) + "images/";

    public static string TruthPrefix(string dataset) => Prefix(dataset) + "truth/";

    public static string Image(string dataset, string image) => Item(dataset, "images", image);

    /// <summary>The image's masks are PNG files named by the image's stem: "a.jpg" has the mask "a.png".</summary>
    public static string MaskName(string image) => Path.ChangeExtension(ResourceId.Validate(image, "image"), ".png");

    public static string Truth(string dataset, string image) => Item(dataset, "truth", MaskName(image));

    public static string Annotation(string dataset, string image) => Item(dataset, "annotations", MaskName(image));

    /// <summary>Where an image came from (a DICOM instance and frame, its site and scanner): JSON, <c>ImageProvenance</c>.</summary>
    public static string Provenance(string dataset, string image) =>
        $"{Prefix(dataset)}provenance/{Path.ChangeExtension(ResourceId.Validate(image, "image"), ".json")}";

    /// <summary>The DICOM instance (Part-10) an image was read from, kept for the SEG objects that reference it.</summary>
    public static string SourceInstance(string dataset, string sopInstanceUid) =>
        $"{Prefix(dataset)}dicom/{ResourceId.Validate(sopInstanceUid, "SOP instance UID")}.dcm";

    /// <summary>The DICOM Segmentation object of an image's final mask in the last completed run.</summary>
    public static string Segmentation(string dataset, string image) =>
        $"{Prefix(dataset)}seg/{Path.ChangeExtension(ResourceId.Validate(image, "image"), ".dcm")}";

    public static string Embedding(string dataset, string encoder, string image) =>
        $"{Prefix(dataset)}embeddings/{ResourceId.Validate(encoder, "encoder")}/{ResourceId.Validate(image, "image")}.f16";

    /// <summary>An image's dense feature map, named by the extractor's id: maps of different extractors never mix.</summary>
    public static string Features(string dataset, string extractor, string image) =>
        $"{Prefix(dataset)}features/{ResourceId.Validate(extractor, "extractor")}/{ResourceId.Validate(image, "image")}.smpf";

    /// <summary>A person's correction of a query's mask, kept until the query is promoted to a support with it.</summary>
    public static string Correction(string dataset, string image) => Item(dataset, "corrections", MaskName(image));

    public static string CoarseMask(string dataset, string image) => Item(dataset, "coarse", MaskName(image));

    public static string FinalMask(string dataset, string image) => Item(dataset, "masks", MaskName(image));

    /// <summary>
    /// The whole text of an image's failure: under its run's folder (so a late failure of an old run cannot replace the
    /// current run's), or the dataset's <c>failures/</c> for work outside any run.
    /// </summary>
    public static string FailureDetail(string dataset, string? runId, string image) =>
        $"{(runId is null ? Prefix(dataset) : RunPrefix(dataset, runId))}failures/{Path.ChangeExtension(ResourceId.Validate(image, "image"), ".txt")}";

    public static string ImageList(string dataset) => Prefix(dataset) + "images.json";

    public static string EmbeddingSummary(string dataset) => Prefix(dataset) + "embedding.json";

    public static string Selection(string dataset) => Prefix(dataset) + "selection.json";

    /// <summary>The selection as it was before a query was promoted (what the promotion's changes are measured against).</summary>
    public static string SelectionBeforePromotion(string dataset) => Prefix(dataset) + "selection-before-promotion.json";

    /// <summary>After promotions: the queries the next run re-segments and the outcomes it keeps from the last run.</summary>
    public static string Rerun(string dataset) => Prefix(dataset) + "rerun.json";

    public static string Report(string dataset) => Prefix(dataset) + "report.json";

    /// <summary>The dataset's event log: one blob per completion event, in the order they were published.</summary>
    public static string EventsPrefix(string dataset) => Prefix(dataset) + "events/";

    /// <summary>
    /// The event at <paramref name="position"/> of the log (zero-padded, so names list in log order), with a hash of its
    /// event id (<paramref name="eventKey"/>, hex), so the log's index is rebuilt from one listing.
    /// </summary>
    public static string Event(string dataset, int position, string eventKey) =>
        $"{EventsPrefix(dataset)}{position.ToString("D9", System.Globalization.CultureInfo.InvariantCulture)}-{ResourceId.Validate(eventKey, "event key")}.json";

    /// <summary>The folder of run <paramref name="runId"/>'s worker output: a late write of one run never touches another's.</summary>
    public static string RunPrefix(string dataset, string runId) => $"{Prefix(dataset)}runs/{ResourceId.Validate(runId, "run")}/";

    public static string RunsPrefix(string dataset) => Prefix(dataset) + "runs/";

    public static string RunCoarseMask(string dataset, string runId, string image) => RunPrefix(dataset, runId) + "coarse/" + MaskName(image);

    public static string RunFinalMask(string dataset, string runId, string image) => RunPrefix(dataset, runId) + "masks/" + MaskName(image);

    public static string RunSoftMask(string dataset, string runId, string image) =>
        $"{RunPrefix(dataset, runId)}soft/{Path.ChangeExtension(ResourceId.Validate(image, "image"), ".f32")}";

    private static string Item(string dataset, string folder, string image) =>
        $"{Prefix(dataset)}{folder}/{ResourceId.Validate(image, "image")}";
}
