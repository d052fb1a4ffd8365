using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// Signing and checking of webhook deliveries in the Standard Webhooks style: the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, the signature <c>v1,</c> + base64 HMAC-SHA256 of it keyed by the
/// secret's bytes (the secret is <c>whsec_</c> + base64). A receiver checks with <see cref="Verify"/>: a signature in
/// constant time, and a timestamp within a tolerance of its clock, so a captured delivery cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";

    public const string TimestampHeader = "webhook-timestamp";

    public const string SignatureHeader = "webhook-signature";

    public const string SecretPrefix = "whsec_";

    private const string VersionPrefix = "v1,";

    private const int SecretBytes = 32;

    /// <summary>How far a delivery's timestamp may be from the receiver's clock by default (the Standard Webhooks advice).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>A new random secret: <c>whsec_</c> + base64 of 32 bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The <c>webhook-signature</c> value of one delivery: <c>v1,</c> + base64 HMAC-SHA256.</summary>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body) =>
        VersionPrefix + Convert.ToBase64String(Mac(KeyOf(secret), id, timestamp, body));

    /// <summary>
    /// Checks one delivery: <paramref name="signatureHeader"/> may hold several space-separated signatures (during a
    /// secret's rotation); one valid <c>v1</c> signature suffices. The timestamp must be within <paramref name="tolerance"/>
    /// of <paramref name="now"/>.
    /// </summary>
    public static WebhookVerification Verify(
        string secret, string? id, string? timestampHeader, ReadOnlySpan<byte> body, string? signatureHeader, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader))
        {
            return WebhookVerification.MissingHeader;
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return WebhookVerification.BadTimestamp;
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if ((now - sent).Duration() > tolerance)
        {
            return WebhookVerification.TimestampOutOfTolerance;
        }

        var expected = Mac(KeyOf(secret), id, timestamp, body);
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var candidate in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate.StartsWith(VersionPrefix, StringComparison.Ordinal)
                && Convert.TryFromBase64String(candidate[VersionPrefix.Length..], given, out var written)
                && written == given.Length
                && CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return WebhookVerification.Valid;
            }
        }

        return WebhookVerification.BadSignature;
    }

    /// <summary>The key bytes of a <c>whsec_</c> secret; anything else is refused naming what is wrong.</summary>
    public static byte[] KeyOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            var key = Convert.FromBase64String(encoded);
            return key.Length > 0 ? key : throw new FormatException("empty");
        }
        catch (FormatException)
        {
            throw new ArgumentException($"A webhook secret is '{SecretPrefix}' followed by base64; the one given ({secret.Length} characters) is not.", nameof(secret));
        }
    }

    private static byte[] Mac(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

/// <summary>What <see cref="WebhookSignature.Verify"/> found.</summary>
public enum WebhookVerification
{
    Valid = 0,

    /// <summary>webhook-id, webhook-timestamp or webhook-signature is missing.</summary>
    MissingHeader = 1,

    /// <summary>webhook-timestamp is not whole seconds since 1970.</summary>
    BadTimestamp = 2,

    /// <summary>The timestamp is too far from the receiver's clock: a replay, or a clock far off.</summary>
    TimestampOutOfTolerance = 3,

    /// <summary>No signature matches the secret over this id, timestamp and body: tampered, or another secret.</summary>
    BadSignature = 4,
}
