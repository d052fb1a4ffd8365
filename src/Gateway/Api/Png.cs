namespace SamMpa.Gateway.Api;

/// <summary>The PNG file signature: what the gateway serves as it is, and what an annotation must begin with.</summary>
internal static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool HasSignature(ReadOnlySpan<byte> content) => content.StartsWith(Signature);
}
