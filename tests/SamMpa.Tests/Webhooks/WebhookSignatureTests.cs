using System.Security.Cryptography;
using System.Text;
using SamMpa.Grains.Options;
using SamMpa.Grains.Webhooks;

namespace SamMpa.Tests.Webhooks;

/// <summary>Signing and checking of deliveries (Standard Webhooks style), the URL rule and the retry backoff: pure, no cluster.</summary>
public sealed class WebhookSignatureTests
{
    private const string Id = "run-1/a.png";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"image_segmented\",\"event_id\":\"run-1/a.png\"}");

    [Fact]
    public void A_signature_is_v1_and_the_base64_hmac_sha256_of_id_timestamp_and_body()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = "whsec_" + Convert.ToBase64String(key);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{Id}.{Now.ToUnixTimeSeconds()}.").Concat(Body).ToArray()));

        Assert.Equal(expected, WebhookSignature.Sign(secret, Id, Now.ToUnixTimeSeconds(), Body));
    }

    [Fact]
    public void A_signed_delivery_verifies()
    {
        var secret = WebhookSignature.NewSecret();
        var signature = WebhookSignature.Sign(secret, Id, Now.ToUnixTimeSeconds(), Body);

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(WebhookVerification.Valid, Verify(secret, Id, Now, Body, signature));
        // A rotation sends two signatures; one valid is enough.
        Assert.Equal(WebhookVerification.Valid, Verify(secret, Id, Now, Body, $"v1,{Convert.ToBase64String(new byte[32])} {signature}"));
    }

    [Fact]
    public void A_tampered_body_signature_id_or_secret_fails()
    {
        var secret = WebhookSignature.NewSecret();
        var signature = WebhookSignature.Sign(secret, Id, Now.ToUnixTimeSeconds(), Body);
        var tamperedBody = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("a.png", "b.png", StringComparison.Ordinal));
        var raw = Convert.FromBase64String(signature[3..]);
        raw[0] ^= 1;
        var tamperedSignature = "v1," + Convert.ToBase64String(raw);

        Assert.Equal(WebhookVerification.BadSignature, Verify(secret, Id, Now, tamperedBody, signature));
        Assert.Equal(WebhookVerification.BadSignature, Verify(secret, Id, Now, Body, tamperedSignature));
        Assert.Equal(WebhookVerification.BadSignature, Verify(secret, "run-1/b.png", Now, Body, signature));
        Assert.Equal(WebhookVerification.BadSignature, Verify(WebhookSignature.NewSecret(), Id, Now, Body, signature));
        Assert.Equal(WebhookVerification.BadSignature, Verify(secret, Id, Now, Body, "v2," + signature[3..]));
        Assert.Equal(WebhookVerification.BadSignature, Verify(secret, Id, Now, Body, "v1,not-base64"));
    }

    [Fact]
    public void A_timestamp_outside_the_tolerance_or_a_missing_header_fails()
    {
        var secret = WebhookSignature.NewSecret();
        var old = Now - TimeSpan.FromMinutes(6);
        var signature = WebhookSignature.Sign(secret, Id, old.ToUnixTimeSeconds(), Body);

        // Validly signed, but replayed 6 minutes later.
        Assert.Equal(WebhookVerification.TimestampOutOfTolerance, WebhookSignature.Verify(
            secret, Id, old.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Body, signature, Now, WebhookSignature.DefaultTolerance));
        Assert.Equal(WebhookVerification.BadTimestamp, WebhookSignature.Verify(secret, Id, "-5", Body, signature, Now, WebhookSignature.DefaultTolerance));
        Assert.Equal(WebhookVerification.MissingHeader, WebhookSignature.Verify(secret, Id, null, Body, signature, Now, WebhookSignature.DefaultTolerance));
        Assert.Equal(WebhookVerification.MissingHeader, WebhookSignature.Verify(secret, Id, "1", Body, null, Now, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void A_secret_that_is_not_base64_is_refused_naming_the_form()
    {
        var e = Assert.Throws<ArgumentException>(() => WebhookSignature.Sign("whsec_%%%", Id, 1, Body));
        Assert.Contains("whsec_", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.org/hook", "not an absolute http(s) URL")]
    [InlineData("/relative/hook", "not an absolute http(s) URL")]
    [InlineData("http://example.org/hook", "only https")]
    [InlineData("https://example.org/hook#part", "fragment")]
    public void A_bad_url_is_refused_naming_it(string url, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => WebhookUrls.Require(url, allowHttp: false, "A webhook of dataset 'd'"));
        Assert.Contains($"'{url}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("dataset 'd'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_is_taken_where_the_silos_allow_it()
    {
        Assert.Equal("http://127.0.0.1:5000/hook", WebhookUrls.Require("http://127.0.0.1:5000/hook", allowHttp: true, "A webhook"));
        Assert.Equal("https://example.org/hook?a=1", WebhookUrls.Require("https://example.org/hook?a=1", allowHttp: false, "A webhook"));
    }

    [Fact]
    public void Retries_back_off_exponentially_up_to_the_cap()
    {
        var settings = new WebhookOptions { FirstRetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromMinutes(1) };

        Assert.Equal(
            [5, 10, 20, 40, 60, 60],
            Enumerable.Range(1, 6).Select(n => WebhookSubscriptionGrain.Backoff(n, settings).TotalSeconds).ToArray());
        Assert.Equal(TimeSpan.FromMinutes(1), WebhookSubscriptionGrain.Backoff(1000, settings));
    }

    private static WebhookVerification Verify(string secret, string id, DateTimeOffset sent, byte[] body, string signature) =>
        WebhookSignature.Verify(
            secret, id, sent.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), body, signature, Now, WebhookSignature.DefaultTolerance);
}
