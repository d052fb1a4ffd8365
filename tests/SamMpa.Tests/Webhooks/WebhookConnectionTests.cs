using System.Net;
using SamMpa.Grains.Options;
using SamMpa.Grains.Webhooks;

namespace SamMpa.Tests.Webhooks;

/// <summary>
/// What a webhook receiver may be: by default no address inside the cluster's network (loopback, private, link-local
/// such as the cloud metadata endpoint), checked on the address connected to; Webhooks:AllowPrivateNetworks lifts it.
/// </summary>
public sealed class WebhookConnectionTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.20.0.1", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00::1", "private")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast or reserved")]
    public void Inside_addresses_are_refused_naming_why(string address, string reason) =>
        Assert.Equal(reason, WebhookConnections.RefusalOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c")]
    public void Public_addresses_are_taken(string address) =>
        Assert.Null(WebhookConnections.RefusalOf(IPAddress.Parse(address)));

    [Fact]
    public async Task A_loopback_receiver_is_refused_by_default_and_reached_when_private_networks_are_allowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 0);

        using (var guarded = new HttpClient(WebhookConnections.Handler(new WebhookOptions())))
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostAsync(receiver.Url, new StringContent("{}")));
            Assert.Contains("127.0.0.1", refused.Message, StringComparison.Ordinal);
            Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Webhooks:AllowPrivateNetworks", refused.Message, StringComparison.Ordinal);
        }

        Assert.Empty(receiver.Deliveries);
        using var allowed = new HttpClient(WebhookConnections.Handler(new WebhookOptions { AllowPrivateNetworks = true }));
        using var answer = await allowed.PostAsync(receiver.Url, new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Single(receiver.Deliveries);
    }
}
