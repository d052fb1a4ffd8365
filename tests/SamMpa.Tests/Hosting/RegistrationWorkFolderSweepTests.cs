using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using SamMpa.Hosting;
using SamMpa.Imaging.Registration;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Hosting;

/// <summary>A cpu silo deletes, as it starts, the registration work folders a killed silo left behind.</summary>
public sealed class RegistrationWorkFolderSweepTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-sweep-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_starting_cpu_silo_deletes_stale_registration_work_folders_and_keeps_recent_ones()
    {
        var workRoot = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        var stale = Directory.CreateDirectory(Path.Combine(workRoot, RegistrationWorkFolders.Prefix + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(stale, "fixed.mha"), "a patient's image");
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-3));
        var recent = RegistrationWorkFolders.Create(workRoot);

        var ports = FreePorts.Take(2);
        var (siloPort, gatewayPort) = (ports[0], ports[1]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = $"sweep-{Guid.NewGuid():N}",
            ["Orleans:SiloPort"] = $"{siloPort}",
            ["Orleans:PrimarySiloPort"] = $"{siloPort}",
            ["Orleans:GatewayPort"] = $"{gatewayPort}",
            ["Orleans:MetricsPort"] = "0",
            ["Orleans:HealthPort"] = "0",
            ["Orleans:Metadata:role"] = "cpu",
            ["Storage:LocalRoot"] = Path.Combine(_root, "store"),
            ["Registration:WorkRoot"] = workRoot,
            ["Registration:StaleWorkFolderAge"] = "01:00:00",
        });
        builder.AddSamMpaSilo();
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            Assert.False(Directory.Exists(stale), $"the stale work folder {stale} is still there");
            Assert.True(Directory.Exists(recent), $"the recent work folder {recent} was deleted");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
