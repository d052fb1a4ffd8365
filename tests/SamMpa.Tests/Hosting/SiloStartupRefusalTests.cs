using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using SamMpa.Hosting;
using SamMpa.Tests.Infrastructure;
using SamMpa.Tests.SamPackage;

namespace SamMpa.Tests.Hosting;

/// <summary>
/// The bad-input matrix at the silo's start (items 12-14): a silo that could never do its work refuses to start, through
/// the same host builder the silo process uses, with a message that names what is wrong, and within bounded time.
/// </summary>
public sealed class SiloStartupRefusalTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-refusal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Item12_a_gpu_silo_given_a_sam_package_that_does_not_match_its_manifest_refuses_to_start_naming_the_package_and_the_differences()
    {
        using var package = new TempPackage();
        var manifest = JsonNode.Parse(File.ReadAllText(package.PathOf("sam.json")))!;
        manifest["mask_size"] = 128;
        manifest["encoder_output"] = "features";
        File.WriteAllText(package.PathOf("sam.json"), manifest.ToJsonString());

        var message = await StartFailureAsync(new Dictionary<string, string?>
        {
            ["Orleans:Metadata:role"] = "gpu",
            ["Models:SamPackage"] = package.Directory,
        });

        Assert.Contains(package.Directory, message, StringComparison.Ordinal);
        Assert.Contains("Models:SamPackage", message, StringComparison.Ordinal);
        Assert.Contains("encoder output 'features' missing", message, StringComparison.Ordinal);
        Assert.Contains("decoder input 'mask_input': expected float [1,1,128,128], found float [1,1,256,256]", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item13_a_cpu_silo_whose_elastix_is_missing_refuses_to_start_naming_elastix_and_the_setting()
    {
        var missing = Path.Combine(_root, "no-such-folder", "elastix");

        var message = await StartFailureAsync(new Dictionary<string, string?>
        {
            ["Orleans:Metadata:role"] = "cpu",
            ["Registration:ElastixPath"] = missing,
        });

        Assert.Contains($"elastix was not found at '{missing}'", message, StringComparison.Ordinal);
        Assert.Contains("Registration:ElastixPath", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item14_a_silo_whose_blob_storage_is_unreachable_refuses_to_start_within_a_minute_naming_the_endpoint()
    {
        // A closed port: every connection is refused. The key is a placeholder; no request ever reaches an account.
        const string Endpoint = "http://127.0.0.1:1/devstoreaccount1";
        var clock = Stopwatch.StartNew();

        var message = await StartFailureAsync(new Dictionary<string, string?>
        {
            ["Orleans:Metadata:role"] = "gpu",
            ["Storage:Provider"] = "azure",
            ["Storage:Azure:ConnectionString"] =
                $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=AAAA;BlobEndpoint={Endpoint};QueueEndpoint={Endpoint};TableEndpoint={Endpoint};",
            ["Storage:StartupTimeout"] = "00:00:05",
        });

        Assert.True(clock.Elapsed < Patience, $"expected the start to fail within {Patience}, it took {clock.Elapsed}");
        Assert.Contains($"Blob storage at {Endpoint}/sammpa is unreachable", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_or_image_setting_out_of_its_range_stops_the_silo_at_start_naming_the_setting_and_the_range()
    {
        var message = await StartFailureAsync(new Dictionary<string, string?>
        {
            ["Orleans:Metadata:role"] = "gpu",
            ["Job:MaxPhaseAttempts"] = "0",
            ["Images:MaxPixels"] = "0",
        });

        Assert.Contains("Job:MaxPhaseAttempts is 0: allowed 1..1000.", message, StringComparison.Ordinal);
        Assert.Contains("Images:MaxPixels is 0: allowed 256..2147483647.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registration_setting_out_of_its_range_stops_the_silo_at_start_naming_the_setting()
    {
        var message = await StartFailureAsync(new Dictionary<string, string?>
        {
            ["Orleans:Metadata:role"] = "gpu",
            ["Registration:Timeout"] = "00:00:00",
            ["Registration:MaxDegreeOfParallelism"] = "-1",
        });

        Assert.Contains("Registration:Timeout is 00:00:00: allowed 00:00:01..1.00:00:00.", message, StringComparison.Ordinal);
        Assert.Contains("Registration:MaxDegreeOfParallelism is -1: allowed 1..1024.", message, StringComparison.Ordinal);
    }

    /// <summary>Builds and starts a silo host from <paramref name="settings"/>; returns the messages of the error that stopped it.</summary>
    private async Task<string> StartFailureAsync(Dictionary<string, string?> settings)
    {
        var ports = FreePorts.Take(2);
        var (siloPort, gatewayPort) = (ports[0], ports[1]);
        // The silo process's web host, without its defaults: environment variables (say Storage__Provider=azure from a
        // shell) must not reach this silo.
        var builder = SiloWebHosts.Builder(new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = $"refusal-{Guid.NewGuid():N}",
            ["Orleans:SiloPort"] = $"{siloPort}",
            ["Orleans:PrimarySiloPort"] = $"{siloPort}",
            ["Orleans:GatewayPort"] = $"{gatewayPort}",
            ["Orleans:MetricsPort"] = "0",
            ["Orleans:HealthPort"] = "0",
            ["Storage:LocalRoot"] = _root,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        using var deadline = new CancellationTokenSource(Patience * 2);
        WebApplication? host = null;
        try
        {
            builder.AddSamMpaHttpEndpoints();
            builder.AddSamMpaSilo();
            host = builder.Build();
            host.MapSamMpaHttpEndpoints();
            await host.StartAsync(deadline.Token);
        }
        catch (Exception e) when (!deadline.IsCancellationRequested)
        {
            return Messages(e);
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        Assert.Fail("expected the silo to refuse to start, it started");
        return string.Empty;
    }

    /// <summary>Every message in the exception's chain (Orleans wraps a failed start in its lifecycle's exception).</summary>
    private static string Messages(Exception e) => e switch
    {
        AggregateException aggregate => string.Join(Environment.NewLine, aggregate.InnerExceptions.Select(Messages).Prepend(e.Message)),
        { InnerException: { } inner } => e.Message + Environment.NewLine + Messages(inner),
        _ => e.Message,
    };
}
