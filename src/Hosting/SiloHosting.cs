using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SamMpa.Grains;
using SamMpa.Grains.Options;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Webhooks;
using SamMpa.Hosting.Local;
using SamMpa.Hosting.Security;
using SamMpa.Hosting.Startup;
using SamMpa.Hosting.Telemetry;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Hosting;

/// <summary>
/// Composes a SamMpa silo from configuration: its role, storage providers, workers' services and metrics.
/// Used by the silo process, the client's embedded silo and the test clusters.
/// </summary>
public static class SiloHosting
{
    /// <summary>Role of a silo whose configuration names none: the development default runs everything.</summary>
    public const string DefaultRole = SiloRoles.All;

    /// <summary>
    /// A whole silo host: clustering and endpoints from <see cref="ClusterSettings"/>, then <see cref="AddSamMpa"/>. The
    /// health and metrics endpoints are a web host's: <see cref="SiloHttpHosting.AddSamMpaHttpEndpoints"/>.
    /// </summary>
    public static IHostApplicationBuilder AddSamMpaSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var storage = StorageOf(builder.Configuration);
        if (!storage.IsAzure && builder.Configuration.GetSection("Security:AdminKeys").GetChildren().All(k => string.IsNullOrWhiteSpace(k.Value)))
        {
            // A development silo with no admin key configured: one in a 0600 file of its local root, which a client on
            // this machine reads when it has no key of its own (DevelopmentAdminKey).
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Security:AdminKeys:0"] = DevelopmentAdminKey.Ensure(storage.ResolvedLocalRoot),
            });
        }

        builder.UseOrleans(silo =>
        {
            if (storage.IsAzure)
            {
                var address = cluster.AdvertisedAddress is { Length: > 0 } a ? IPAddress.Parse(a) : null;
                silo.ConfigureEndpoints(address ?? IPAddress.Loopback, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: address is not null);
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort), cluster.ServiceId, cluster.ClusterId);
            }

            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.AddSamMpa(builder.Configuration, storage);
        });
        return builder;
    }

    /// <summary>
    /// Everything but endpoints: role metadata and placement, clustering (Azure Table with Azure storage), grain
    /// storage, reminders, streams, blob store, options, the workers' services and the metrics' instruments.
    /// <paramref name="registration"/> replaces the "Registration" section.
    /// </summary>
    public static ISiloBuilder AddSamMpa(
        this ISiloBuilder silo, IConfiguration configuration, StorageSettings? storage = null, RegistrationOptions? registration = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        storage ??= StorageOf(configuration);
        var role = RoleOf(configuration);
        registration ??= RegistrationOf(configuration);

        // The role places the workers; the registration slots are what a run's admission counts on (cpu and all silos).
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [Constants.RoleMetadataKey] = role,
            [Constants.RegistrationSlotsMetadataKey] = Math.Max(1, registration.MaxDegreeOfParallelism).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        silo.AddSiloRolePlacement();
        silo.UseSamMpaTls(TlsSettings.From(configuration));
        silo.AddSamMpaTrustBoundary(configuration);
        if (storage.IsAzure)
        {
            silo.UseSamMpaAzureProviders(storage.Azure);
        }
        else
        {
            var root = storage.ResolvedLocalRoot;
            silo.AddLocalFolderGrainStorage(Constants.StorageProviderName, root);
            silo.AddLocalFolderGrainStorage(Constants.PubSubStorageName, root);
            silo.UseLocalFolderReminderService(root);
            silo.AddMemoryStreams(Constants.StreamProviderName);
        }

        var services = silo.Services;
        // Failure detection (probe timeout, missed probes, votes) is the operator's trade-off between false suspicions
        // and how long work waits on a dead silo: Orleans' defaults unless "Orleans:Membership" says otherwise.
        services.Configure<ClusterMembershipOptions>(configuration.GetSection($"{ClusterSettings.Section}:Membership"));
        services.AddSingleton(BlobStores.Create(storage));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new StorageStartupCheck(sp.GetRequiredService<IBlobStore>(), storage));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => ActivatorUtilities.CreateInstance<RegistrationWorkFolderSweep>(sp, role));
        services.Configure<ModelOptions>(configuration.GetSection(ModelOptions.Section));
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section)).ValidateOnStart();
        // After a silo failure a job is brought back by its reminder; Orleans re-reads the reminder table every five
        // minutes by default, which is how late a reminder missed while a silo took over a range can fire. Read from the
        // setting itself, not IOptions<JobOptions>: Orleans takes its reminder options early in the start, before the
        // ranges of all settings are checked and reported together (a bad value is reported there).
        var refresh = configuration.GetSection(JobOptions.Section)[nameof(JobOptions.ReminderRefreshPeriod)];
        services.Configure<Orleans.Hosting.ReminderOptions>(reminders => reminders.RefreshReminderListPeriod =
            TimeSpan.TryParse(refresh, System.Globalization.CultureInfo.InvariantCulture, out var period) && period > TimeSpan.Zero
                ? period
                : new JobOptions().ReminderRefreshPeriod);
        services.AddSingleton<IValidateOptions<JobOptions>>(new RangeValidation<JobOptions>(ConfiguredRanges.Problems));
        services.AddOptions<ImageOptions>().Bind(configuration.GetSection(ImageOptions.Section)).ValidateOnStart();
        // DICOM SEG of a run's masks (Dicom:Seg:*); an unusable value fails those SEGs alone, named in the report.
        services.AddOptions<SamMpa.Dicom.DicomSegOptions>().Bind(configuration.GetSection(SamMpa.Dicom.DicomSegOptions.SectionName));
        // SEGs of images retrieved from this DICOMweb server (DicomWeb:*) are stored back there; unset, none are sent.
        services.AddOptions<SamMpa.Dicom.Web.DicomWebOptions>().Bind(configuration.GetSection(SamMpa.Dicom.Web.DicomWebOptions.SectionName));
        services.AddSingleton<IValidateOptions<ImageOptions>>(new RangeValidation<ImageOptions>(ConfiguredRanges.Problems));
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>>(new RangeValidation<WebhookOptions>(ConfiguredRanges.Problems));
        // Webhook deliveries: no client-wide timeout (each attempt has Webhooks:AttemptTimeout); the handler decides what
        // a receiver may be (WebhookConnections: no redirects, no inside addresses unless allowed).
        services.AddHttpClient(Constants.WebhookHttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookConnections.Handler(sp.GetRequiredService<IOptions<WebhookOptions>>().Value));
        if (SiloRoles.Serves(role, SiloRoles.Cpu) && registration.Engine == RegistrationEngine.Elastix)
        {
            // A cpu silo without elastix would fail every registration: refuse to start, naming what is missing.
            try
            {
                ElastixTools.EnsureAvailable(registration);
            }
            catch (RegistrationToolMissingException e)
            {
                throw new RegistrationToolMissingException(
                    $"This {role} silo registers images and cannot start: {e.Message.TrimEnd('.')}; a silo takes Registration:ElastixPath and Registration:TransformixPath.",
                    e);
            }
        }

        if (SiloRoles.Serves(role, SiloRoles.Gpu))
        {
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SamPackageStartupCheck>();
        }

        services.AddSingleton(registration);
        services.AddSingleton(MaskPropagators.Create(registration));
        services.AddSingleton<RegistrationSlots>();
        services.AddSingleton<WorkerModels>();
        services.AddSingleton<EmbeddingWriter>();
        services.AddSingleton<FailureRecords>();
        services.AddSingleton<CoarseMasks>();
        services.AddSingleton<LocalisationModels>();
        services.AddSingleton<QueryLocalisation>();
        services.AddSingleton<SamMasks>();
        // A cancelled call waits for its callee to end (the fence of cancel: no elastix outlives a cancelled run).
        services.Configure<SiloMessagingOptions>(o => o.WaitForCancellationAcknowledgement = true);
        // The grains and workers take SamMpaMetrics: register it here, so every host has it (the embedded silo and the
        // test clusters too). Port 0 exports nothing; SiloHttpHosting adds the Prometheus endpoint of a deployed silo.
        services.AddSamMpaMetrics(prometheusPort: 0);
        return silo;
    }

    /// <summary>
    /// The "Registration" section. Parameter files given there replace the bundled maps (the binder would append them
    /// to the default list).
    /// </summary>
    public static RegistrationOptions RegistrationOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Registration");
        var options = section.Get<RegistrationOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new RegistrationOptions();
        var files = section.GetSection(nameof(RegistrationOptions.ParameterFiles)).Get<string[]>();
        return ConfiguredRanges.Require(
            files is { Length: > 0 } ? options with { ParameterFiles = files } : options with { ParameterFiles = new RegistrationOptions().ParameterFiles },
            ConfiguredRanges.Problems);
    }

    /// <summary>The silo's role from <c>Orleans:Metadata:role</c>, checked.</summary>
    public static string RoleOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var role = configuration[$"{ClusterSettings.Section}:Metadata:{Constants.RoleMetadataKey}"] ?? DefaultRole;
        return SiloRoles.IsKnown(role)
            ? role
            : throw new InvalidOperationException($"Orleans:Metadata:role '{role}' is not known: use {string.Join(", ", SiloRoles.Known)}.");
    }

    public static StorageSettings StorageOf(IConfiguration configuration) =>
        (configuration.GetSection(StorageSettings.Section).Get<StorageSettings>() ?? new StorageSettings()).Validate();
}
