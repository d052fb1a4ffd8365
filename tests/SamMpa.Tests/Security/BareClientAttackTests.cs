using Orleans.Streams;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Grains.Images;
using SamMpa.Grains.Security;
using SamMpa.Grains.Workers;
using SamMpa.Hosting.Security;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Hosting;

namespace SamMpa.Tests.Security;

/// <summary>A grain that is not the product's: what it calls on for a client must not count as the silo's own work.</summary>
public interface IRelayProbeGrain : IGrainWithStringKey
{
    Task<DatasetStatus> StatusOfAsync(string dataset);

    Task<DatasetStatus> CancelAsync(string dataset);
}

public sealed class RelayProbeGrain : Grain, IRelayProbeGrain
{
    public Task<DatasetStatus> StatusOfAsync(string dataset) => GrainFactory.GetGrain<IDatasetGrain>(dataset).GetStatusAsync();

    public Task<DatasetStatus> CancelAsync(string dataset) => GrainFactory.GetGrain<IDatasetGrain>(dataset).CancelAsync();
}

/// <summary>
/// The attack of issue 13, as an attacker would try it: a bare Orleans client given only the gateway port (no key, no
/// storage settings) against a silo with the default settings, then against a silo with mutual TLS (with and without
/// a client certificate). Workers are refused to it, the victim's masks stay as they were, the victim's status cannot
/// be read, its job not cancelled, its completion stream not subscribed to; a principal the request context claims is
/// not believed.
/// </summary>
public sealed class BareClientAttackTests : IDisposable
{
    private static readonly byte[] VictimMask = [1, 2, 3, 4, 5, 6, 7, 8];

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-trust-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Against_a_default_silo_a_bare_client_reaches_no_worker_no_mask_and_not_the_victims_status_or_cancel()
    {
        await using var silo = await SecuredSilo.StartAsync(_root);
        var owner = await silo.BareClientAsync();
        var victim = await VictimAsync(silo, owner);

        var attacker = await silo.BareClientAsync();
        await AttackAsync(silo, attacker, victim);
        await AttackAsync(silo, attacker, victim, claimed: true);

        // The owner's view: untouched.
        var status = await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => owner.GetGrain<IDatasetGrain>(victim).GetStatusAsync());
        Assert.Equal(DatasetPhase.Embedding, status.Phase);
    }

    [Fact]
    public async Task Against_a_tls_silo_a_client_without_certificate_cannot_connect_and_one_with_a_certificate_but_no_key_or_another_key_is_refused()
    {
        using var certificates = new TlsTestCertificates(_root, "sammpa-test-ca");
        var siloTls = new Dictionary<string, string?>
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = certificates.IssuePfx("sammpa-silo"),
            ["Orleans:Tls:TrustedCaPath"] = certificates.CaPath,
            ["Orleans:Tls:AllowedNames:0"] = "sammpa-silo",
            ["Orleans:Tls:AllowedNames:1"] = "sammpa-client",
        };
        var clientTls = new TlsSettings
        {
            Enabled = true,
            CertificatePath = certificates.IssuePfx("sammpa-client"),
            TrustedCaPath = certificates.CaPath,
            AllowedNames = ["sammpa-silo"],
        };

        await using var silo = await SecuredSilo.StartAsync(_root, siloTls);
        await Assert.ThrowsAnyAsync<Exception>(() => silo.BareClientAsync());

        var owner = await silo.BareClientAsync(clientTls);
        var victim = await VictimAsync(silo, owner);
        var attacker = await silo.BareClientAsync(clientTls);
        await AttackAsync(silo, attacker, victim);

        // A key of its own does not open another principal's dataset.
        var mallory = await SecuredSilo.KeyForAsync(owner, "mallory");
        await SecuredSilo.AsAsync(mallory, () => AttackAsync(silo, attacker, victim));
        var status = await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => owner.GetGrain<IDatasetGrain>(victim).GetStatusAsync());
        Assert.Equal(DatasetPhase.Embedding, status.Phase);
    }

    /// <summary>The victim's dataset, owned by principal "victim", with a final and a coarse mask of img0 in place.</summary>
    private static async Task<string> VictimAsync(SecuredSilo silo, IClusterClient client)
    {
        var key = await SecuredSilo.KeyForAsync(client, "victim");
        var victim = await silo.CreateDatasetAsync(client, key);
        var image = PhantomDataset.Name(0);
        await silo.Blobs.WriteAsync(DatasetBlobLayout.FinalMask(victim, image), VictimMask, default);
        await silo.Blobs.WriteAsync(DatasetBlobLayout.CoarseMask(victim, image), VictimMask, default);
        return victim;
    }

    /// <param name="claimed">The attacker also claims, in the request context, to be the victim's owner and an admin.</param>
    private static async Task AttackAsync(SecuredSilo silo, IClusterClient attacker, string victim, bool claimed = false)
    {
        if (claimed)
        {
            RequestContext.Set(CallerContext.Principal, "victim");
            RequestContext.Set(CallerContext.Admin, true);
        }

        try
        {
            var (query, support) = (PhantomDataset.Name(0), PhantomDataset.Name(1));
            var supportRef = new SupportRef(support, DatasetBlobLayout.Image(victim, support), DatasetBlobLayout.Annotation(victim, support));
            var job = new QueryJob
            {
                Dataset = victim,
                Image = query,
                ImageBlob = DatasetBlobLayout.Image(victim, query),
                Supports = [supportRef],
                WorkingSize = 64,
            };

            // Carry the victim's annotation onto its query and write the masks over the victim's.
            var propagate = await Assert.ThrowsAsync<AccessDeniedException>(() => attacker.GetGrain<IRegistrationWorker>(0).SegmentQueryAsync(job));
            Assert.Contains(nameof(IRegistrationWorker), propagate.Message, StringComparison.Ordinal);
            // Read the annotation through the selection worker.
            await Assert.ThrowsAsync<AccessDeniedException>(() => attacker.GetGrain<ISelectionWorker>(0).CheckAnnotationAsync(
                new AnnotationCheck(support, supportRef.ImageBlob, supportRef.AnnotationBlob)));
            // Resolve keys as the silo does.
            await Assert.ThrowsAsync<AccessDeniedException>(() => attacker.GetGrain<IAccessKeyResolver>(IAccessKeysGrain.ClusterKey).ResolveAsync(AccessKeySecrets.Hash(TestAccessKeys.Admin)));

            var dataset = attacker.GetGrain<IDatasetGrain>(victim);
            await Assert.ThrowsAsync<AccessDeniedException>(() => dataset.GetStatusAsync());
            await Assert.ThrowsAsync<AccessDeniedException>(() => dataset.CancelAsync());
            await Assert.ThrowsAsync<AccessDeniedException>(() => dataset.GrantAsync("mallory", DatasetRole.Owner));
            await Assert.ThrowsAsync<AccessDeniedException>(() => attacker.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).CreateAsync("mallory", admin: true));

            // Go round through a grain that is not the product's.
            var relay = attacker.GetGrain<IRelayProbeGrain>("relay");
            var relayed = await Assert.ThrowsAsync<AccessDeniedException>(() => relay.StatusOfAsync(victim));
            Assert.Contains(PrincipalNames.AnonymousClient, relayed.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<AccessDeniedException>(() => relay.CancelAsync(victim));

            // Listen to the victim's completion events.
            var completions = attacker.GetStreamProvider(Constants.StreamProviderName)
                .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, victim));
            await Assert.ThrowsAsync<AccessDeniedException>(() => completions.SubscribeAsync((_, _) => Task.CompletedTask));

            Assert.Equal(VictimMask, await silo.Blobs.ReadAsync(DatasetBlobLayout.FinalMask(victim, query), default));
            Assert.Equal(VictimMask, await silo.Blobs.ReadAsync(DatasetBlobLayout.CoarseMask(victim, query), default));
        }
        finally
        {
            RequestContext.Remove(CallerContext.Principal);
            RequestContext.Remove(CallerContext.Admin);
        }
    }
}
