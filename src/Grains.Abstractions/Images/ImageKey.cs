namespace SamMpa.Grains.Images;

/// <summary>The key of an <see cref="IImageGrain"/>: <c>{dataset}/{image}</c> (neither id may contain '/').</summary>
public static class ImageKey
{
    public static string Of(string dataset, string image) => $"{dataset}/{image}";

    public static (string Dataset, string Image) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? (key[..slash], key[(slash + 1)..]) : throw new ArgumentException($"image grain key '{key}' is not dataset/image.", nameof(key));
    }
}
