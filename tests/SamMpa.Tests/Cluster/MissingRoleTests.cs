using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Hosting;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Security;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>A cluster of one cpu silo: embedding needs a gpu silo, and the dataset says so instead of failing.</summary>
public sealed class MissingRoleTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-cpu-only-").FullName;
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddSamMpa(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Metadata:role"] = SiloRoles.Cpu,
            ["Storage:LocalRoot"] = _root,
            ["Job:RetryDelay"] = "00:00:00.100",
            [TestAccessKeys.AdminKeySetting.Key] = TestAccessKeys.AdminKeySetting.Value,
        }).Build()));
        builder.ConfigureClient(client => client.WithAdminKey());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Without_a_gpu_silo_the_dataset_waits_and_its_status_names_the_missing_role()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        await UploadAsync(new LocalFolderBlobStore(_root), dataset, phantoms);
        var grain = _cluster.Client.GetGrain<IDatasetGrain>(dataset);

        await grain.CreateAsync(new CreateDataset { WorkingSize = 64 });
        var status = await WaitAsync(grain, s => s.MissingRole is not null);

        Assert.Equal(SiloRoles.Gpu, status.MissingRole);
        Assert.Equal(DatasetPhase.Embedding, status.Phase);
        Assert.Contains("role=gpu", status.Message, StringComparison.Ordinal);
        Assert.Empty(status.Failures);
    }
}
