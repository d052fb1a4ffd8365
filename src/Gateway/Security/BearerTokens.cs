namespace SamMpa.Gateway.Security;

/// <summary>Tells a JWT from an API key by its shape: three base64url parts (the last empty when unsigned); keys have no '.'.</summary>
internal static class BearerTokens
{
    public static bool IsJwt(ReadOnlySpan<char> token)
    {
        var parts = 0;
        var partLength = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                // Header and payload are never empty; only the signature may be (alg "none", refused later).
                if (partLength == 0 || ++parts > 2)
                {
                    return false;
                }

                partLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                partLength++;
            }
            else
            {
                return false;
            }
        }

        return parts == 2;
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header; null when the request has none.</summary>
    public static string? BearerOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && authorization.Length > Bearer.Length
            ? authorization[Bearer.Length..].Trim()
            : null;
    }
}
