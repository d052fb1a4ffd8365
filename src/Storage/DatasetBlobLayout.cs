namespace SamMpa.Storage;

/// <summary>
/// Where a dataset's items live in blob storage:
/// datasets/{dataset}/images/{image}            the images (unless the dataset was created over another prefix)
/// datasets/{dataset}/truth/{stem}.png          optional ground-truth masks, for scoring
/// datasets/{dataset}/annotations/{stem}.png    the supports' annotations (0 background, nonzero foreground)
/// datasets/{dataset}/embeddings/{encoder}/{image}.f16
/// datasets/{dataset}/coarse/{stem}.png         propagated (coarse) masks, 0/255
/// datasets/{dataset}/masks/{stem}.png          final masks, 0/255
/// datasets/{dataset}/report.json               every outcome of the last run.
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

    public static string Embedding(string dataset, string encoder, string image) =>
        $"{Prefix(dataset)}embeddings/{ResourceId.Validate(encoder, "encoder")}/{ResourceId.Validate(image, "image")}.f16";

    public static string CoarseMask(string dataset, string image) => Item(dataset, "coarse", MaskName(image));

    public static string FinalMask(string dataset, string image) => Item(dataset, "masks", MaskName(image));

    public static string Report(string dataset) => Prefix(dataset) + "report.json";

    private static string Item(string dataset, string folder, string image) =>
        $"{Prefix(dataset)}{folder}/{ResourceId.Validate(image, "image")}";
}
