namespace SamMpa.Client.Gateway;

/// <summary>
/// The gateway a command calls and the API key it calls with. The key goes only into the request's header: this type's
/// text is the address alone, so no message or log line can carry the key by accident.
/// </summary>
internal sealed class GatewayEndpoint
{
    public GatewayEndpoint(Uri baseAddress, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        // Relative API paths resolve under the address, including a path prefix behind a proxy (https://host/sammpa/).
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        ApiKey = apiKey;
    }

    public Uri BaseAddress { get; }

    public string ApiKey { get; }

    public override string ToString() => BaseAddress.AbsoluteUri;
}
