using System.ComponentModel.DataAnnotations;
using SamMpa.Gateway.Security;

namespace SamMpa.Gateway;

/// <summary>
/// The gateway's settings (section <c>Gateway</c>): where it listens, how much a request may carry, how often a caller may
/// call, and the bearer tokens it takes beside API keys.
/// </summary>
public sealed class GatewaySettings
{
    public const string Section = "Gateway";

    /// <summary>The HTTP port (all interfaces unless <see cref="LoopbackOnly"/>); TLS ends at the ingress in front of it. 0 takes a free port.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>
    /// True to listen on 127.0.0.1 only (<c>sammpa serve</c>: a person's own machine, plain HTTP that must not leave it);
    /// false (the default) for every interface, behind a deployment's ingress.
    /// </summary>
    public bool LoopbackOnly { get; set; }

    /// <summary>
    /// True when this process already holds the cluster client (a silo in the same process, or a test cluster): the
    /// gateway then adds no Orleans client of its own and uses the one registered.
    /// </summary>
    public bool CoHosted { get; set; }

    /// <summary>Longest body of any request but an upload (JSON, an annotation PNG).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Longest multipart upload that creates a dataset, all its files together.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Longest single file of an upload (an image or a truth mask).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Longest annotation PNG.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxAnnotationBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Blob prefixes outside <c>datasets/</c> (an archive already in storage) that any key may make a dataset of
    /// (<c>POST /datasets</c> with <c>imagePrefix</c>); other such prefixes need an admin key. Empty by default.
    /// </summary>
    public string[] ImportPrefixes { get; set; } = [];

    /// <summary>Files one upload may carry.</summary>
    [Range(1, int.MaxValue)]
    public int MaxUploadFiles { get; set; } = 100_000;

    /// <summary>Requests one API key may make per <see cref="RateLimitWindow"/>; beyond them it is answered 429.</summary>
    [Range(1, int.MaxValue)]
    public int RateLimitPermits { get; set; } = 600;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a key the cluster confirmed is trusted to be known without asking again. Only the 401 answer depends on
    /// it: every grain call still carries the key, and the silos check it on each. Zero asks every time.
    /// </summary>
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The gateway's own access key, a delegate key (<c>sammpa keys create --principal gateway --delegate</c>): the grain
    /// calls of a bearer token's request carry it with the token's principal. Needed when <see cref="Jwt"/> is on.
    /// </summary>
    public string? AccessKey { get; set; }

    /// <summary>Bearer tokens from an OIDC issuer (<c>Gateway:Jwt:*</c>).</summary>
    public JwtSettings Jwt { get; set; } = new();
}
