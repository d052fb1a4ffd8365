namespace SamMpa.Storage;

/// <summary>
/// Where a dataset's items live in blob storage:
/// datasets/{dataset}/images|annotations|embeddings|coarse|masks/{image}, and datasets/{dataset}/report.json.
/// Every id is validated (<see cref="ResourceId"/>) before a name is built.
/// </summary>
public static class DatasetBlobLayout
{
    public const string Root = "datasets";

    public static string Prefix(string dataset) => $"{Root}/{ResourceId.Validate(dataset, "dataset")}/";

    public static string Image(string dataset, string image) => Item(dataset, "images", image);

    public static string Annotation(string dataset, string image) => Item(dataset, "annotations", image);

    public static string Embedding(string dataset, string image) => Item(dataset, "embeddings", image);

    public static string CoarseMask(string dataset, string image) => Item(dataset, "coarse", image);

    public static string FinalMask(string dataset, string image) => Item(dataset, "masks", image);

    public static string Report(string dataset) => Prefix(dataset) + "report.json";

    private static string Item(string dataset, string folder, string image) =>
        $"{Prefix(dataset)}{folder}/{ResourceId.Validate(image, "image")}";
}
