using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SamMpa.Client.Cluster;
using SamMpa.Grains.Security;

namespace SamMpa.Client.Gateway;

/// <summary>
/// <c>--gateway URL</c> and <c>--api-key KEY</c> of the dataset commands: with a gateway the command calls its HTTP API
/// instead of joining the cluster. Both also come from the settings: SAMMPA_GATEWAY and SAMMPA_API_KEY, or
/// <c>Gateway:Url</c> and <c>Gateway:ApiKey</c> in sammpa.json; the command line wins, then the environment.
/// </summary>
internal sealed class GatewayOptions
{
    public const string UrlSetting = "Gateway:Url";
    public const string ApiKeySetting = "Gateway:ApiKey";

    // The settings drop the SAMMPA_ prefix of environment variables: SAMMPA_GATEWAY is "GATEWAY" there.
    private const string UrlVariable = "GATEWAY";
    private const string ApiKeyVariable = "API_KEY";

    public Option<string?> Url { get; } = new("--gateway")
    {
        Description = "Call the HTTP gateway at this URL (e.g. https://sammpa.example.org) instead of joining the cluster; also SAMMPA_GATEWAY or Gateway:Url in the settings.",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The API key for --gateway (sammpa keys create); also SAMMPA_API_KEY or Gateway:ApiKey in the settings. Never printed.",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(ApiKey);
    }

    /// <summary>
    /// The gateway this command calls, or null when none is given anywhere (the command joins the cluster). A URL that is
    /// not http(s) is refused naming where it came from; a gateway without a key is refused as access denied.
    /// </summary>
    public GatewayEndpoint? Resolve(ParseResult parse, FileInfo? settingsFile)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var settings = ClientSettings.Load(settingsFile);
        var (url, source) = First(
            (parse.GetValue(Url), "--gateway"),
            (settings[UrlVariable], "SAMMPA_GATEWAY"),
            (settings[UrlSetting], $"{UrlSetting} in the settings"));
        if (url is null)
        {
            if (parse.GetResult(ApiKey) is { Implicit: false })
            {
                throw new ArgumentException("--api-key is the key of a gateway: give --gateway URL too (the cluster itself takes SAMMPA_ACCESS_KEY).");
            }

            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(address.UserInfo) || !string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            throw new ArgumentException($"{source} '{url}' is not the address of a gateway: give an http or https URL without credentials or query, e.g. https://sammpa.example.org.");
        }

        if (address.Scheme == "http" && !address.IsLoopback)
        {
            parse.InvocationConfiguration.Error.WriteLine(
                $"warning: the API key goes to {address.AbsoluteUri} unencrypted (http); use https beyond a network you trust.");
        }

        var (key, _) = First(
            (parse.GetValue(ApiKey), "--api-key"),
            (settings[ApiKeyVariable], "SAMMPA_API_KEY"),
            (settings[ApiKeySetting], ApiKeySetting));
        return key is null
            ? throw new AccessDeniedException($"no API key for the gateway at {address.AbsoluteUri}: give --api-key KEY, SAMMPA_API_KEY or {ApiKeySetting} in sammpa.json (an admin makes one with sammpa keys create).")
            : new GatewayEndpoint(address, key);
    }

    /// <summary>
    /// Stops a command that goes through the gateway when it was given options that need the cluster's own storage, each
    /// named with why; before anything is sent.
    /// </summary>
    public static void RefuseClusterOnly(ParseResult parse, params (Option Option, string Why)[] clusterOnly)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var given = clusterOnly.Where(o => parse.GetResult(o.Option) is { Implicit: false }).ToArray();
        if (given.Length > 0)
        {
            throw new ArgumentException(
                $"With --gateway these options are not available: {string.Join("; ", given.Select(g => $"{g.Option.Name} ({g.Why})"))}; leave them out, or run without --gateway where the cluster's storage is reachable.");
        }
    }

    /// <summary>Refuses an explicit --gateway on a command the gateway has no endpoint for, naming the command.</summary>
    public void RefuseOn(ParseResult parse, string command)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetResult(Url) is { Implicit: false })
        {
            throw new ArgumentException($"sammpa {command} has no gateway endpoint, so it cannot go through --gateway; run it where the cluster is reachable (--settings, SAMMPA_ACCESS_KEY).");
        }
    }

    private static (string? Value, string Source) First(params (string? Value, string Source)[] candidates) =>
        candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Value)) is { Value: not null } found
            ? (found.Value.Trim(), found.Source)
            : (null, string.Empty);
}
