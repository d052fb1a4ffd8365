using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SamMpa.Grains.Options;
using SamMpa.Grains.Security;

namespace SamMpa.Hosting.Security;

/// <summary>The silo's trust boundary: client calls authenticated by access key, internal grains refused to clients.</summary>
public static class TrustBoundaryExtensions
{
    public static ISiloBuilder AddSamMpaTrustBoundary(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SecurityOptions.Section);
        // A malformed admin key stops the silo here, naming the entry, not at the first call.
        AccessKeySecrets.AdminHashes(section.GetSection(nameof(SecurityOptions.AdminKeys)).Get<string[]>() ?? []);
        silo.Services.Configure<SecurityOptions>(section);
        silo.Services.AddSingleton<AccessKeyCache>();
        silo.AddIncomingGrainCallFilter<CallerAuthenticationFilter>();
        return silo;
    }
}
