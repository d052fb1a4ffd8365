namespace SamMpa.Grains.Webhooks;

/// <summary>What a subscription's URL may be: absolute http(s), https unless the silos allow http (Webhooks:AllowHttp).</summary>
internal static class WebhookUrls
{
    public const int MaxLength = 2048;

    /// <summary>The URL, checked; a bad one is refused naming it, <paramref name="what"/> and the rule it breaks.</summary>
    public static string Require(string? url, bool allowHttp, string what)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ArgumentException($"{what}: the URL is empty; give an absolute https:// URL.");
        }

        if (url.Length > MaxLength)
        {
            throw new ArgumentException($"{what}: URL '{url[..64]}...' is {url.Length} characters; at most {MaxLength}.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"{what}: URL '{url}' is not an absolute http(s) URL; give one like https://example.org/hooks/sammpa.");
        }

        if (uri.Scheme == "http" && !allowHttp)
        {
            throw new ArgumentException($"{what}: URL '{url}' is http; deliveries carry results, so only https is taken (a silo with Webhooks:AllowHttp=true takes http, for loopback and tests).");
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ArgumentException($"{what}: URL '{url}' has a fragment ('{uri.Fragment}'), which is never sent; leave it out.");
        }

        return uri.AbsoluteUri;
    }
}
