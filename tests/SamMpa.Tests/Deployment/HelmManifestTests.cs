using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SamMpa.Tests.Deployment;

/// <summary>
/// The Helm chart (deploy/helm/sammpa) as Kubernetes will see it: the manifests rendered with the default values and
/// with values-production.yaml (see <see cref="HelmChart"/>), and a few renders with other values.
/// </summary>
public sealed class HelmManifestTests
{
    private const string Gpu = "gpu";
    private const string Cpu = "cpu";
    private const string NvidiaGpu = "nvidia.com/gpu";
    private const string ConnectionString = "Storage__Azure__ConnectionString";
    private const string GatewayComponent = "api";

    public static TheoryData<string> Renders => new() { "default", "production" };

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Each_pool_is_one_Deployment_whose_silos_have_its_role(string render)
    {
        var manifests = HelmChart.Named(render);

        Assert.Equal(2, manifests.SiloPools.Count);
        Assert.Equal(new[] { Cpu, Gpu }, manifests.SiloPools.Select(d => Manifests.EnvValue(Manifests.Silo(d), Manifests.Role)).Order());
        foreach (var role in new[] { Gpu, Cpu })
        {
            var pool = manifests.Pool(role);
            Assert.Equal(role, pool.Labels["app.kubernetes.io/component"]);
            Assert.Equal(role, pool.Root.Text("spec", "template", "metadata", "labels", "app.kubernetes.io/component"));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Silos_advertise_their_pod_IP_and_name_and_join_the_configured_cluster_on_azure_storage(string render)
    {
        var manifests = HelmChart.Named(render);
        var values = ValuesOf(render);

        foreach (var deployment in manifests.SiloPools)
        {
            var env = Manifests.Env(Manifests.Silo(deployment));
            Assert.Equal("status.podIP", env["Orleans__AdvertisedAddress"].Text("valueFrom", "fieldRef", "fieldPath"));
            Assert.Equal("metadata.name", env["POD_NAME"].Text("valueFrom", "fieldRef", "fieldPath"));
            Assert.Equal(values.Text("cluster", "clusterId"), env["Orleans__ClusterId"].Text("value"));
            Assert.Equal(values.Text("cluster", "serviceId"), env["Orleans__ServiceId"].Text("value"));
            Assert.Equal("azure", env["Storage__Provider"].Text("value"));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Silo_containers_expose_the_silo_gateway_metrics_and_health_ports_and_tell_the_silo(string render)
    {
        var manifests = HelmChart.Named(render);
        var values = ValuesOf(render);

        foreach (var deployment in manifests.SiloPools)
        {
            var silo = Manifests.Silo(deployment);
            var ports = Manifests.Ports(silo);
            foreach (var (port, setting) in new[] { ("silo", "SiloPort"), ("gateway", "GatewayPort"), ("metrics", "MetricsPort"), ("health", "HealthPort") })
            {
                Assert.True(ports.ContainsKey(port), $"{deployment}: no container port '{port}' in [{string.Join(", ", ports.Keys)}]");
                Assert.Equal(int.Parse(values.Text("ports", port)!), ports[port]);
                Assert.Equal(ports[port].ToString(), Manifests.EnvValue(silo, $"Orleans__{setting}"));
            }
        }

        if (render == "default")
        {
            var ports = Manifests.Ports(Manifests.Silo(manifests.Pool(Cpu)));
            Assert.Equal((11111, 30000, 9464, 8080), (ports["silo"], ports["gateway"], ports["metrics"], ports["health"]));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Liveness_and_readiness_probes_get_the_health_paths_on_the_health_port(string render)
    {
        foreach (var deployment in HelmChart.Named(render).SiloPools)
        {
            var silo = Manifests.Silo(deployment);
            var health = Manifests.Ports(silo)["health"];
            foreach (var (probe, path) in new[] { ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
            {
                Assert.Equal(path, silo.Text(probe, "httpGet", "path"));
                // The port by name or by number, as long as it is the health port.
                var port = silo.Text(probe, "httpGet", "port");
                Assert.True(port == "health" || port == health.ToString(), $"{deployment} {probe} port '{port}' is not the health port {health}");
            }

            Assert.Equal(health.ToString(), Manifests.EnvValue(silo, "Orleans__HealthPort"));
            // The kubelet probes the pod IP: a health port on loopback would fail every probe.
            Assert.Equal("0.0.0.0", Manifests.EnvValue(silo, "Orleans__HttpBindAddress"));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Only_the_gpu_pool_asks_for_gpus_and_tolerates_gpu_nodes(string render)
    {
        var manifests = HelmChart.Named(render);

        var gpu = manifests.Pool(Gpu);
        Assert.True(int.Parse(Manifests.Silo(gpu).Text("resources", "limits", NvidiaGpu) ?? "0") >= 1, $"{gpu} has no {NvidiaGpu} limit");
        Assert.Contains(gpu.Root.Sequence("spec", "template", "spec", "tolerations"), t => t.Text("key") == NvidiaGpu);

        var cpu = manifests.Pool(Cpu);
        Assert.Null(Manifests.Silo(cpu).Find("resources", "limits", NvidiaGpu));
        Assert.Null(Manifests.Silo(cpu).Find("resources", "requests", NvidiaGpu));

        if (render == "production")
        {
            Assert.NotEmpty(gpu.Root.Dictionary("spec", "template", "spec", "nodeSelector"));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void No_environment_variable_carries_a_secret_the_connection_string_comes_from_a_secret_ref(string render)
    {
        var manifests = HelmChart.Named(render);

        AssertNoLiteralSecrets(manifests);
        // The chart creates a Secret only when asked to (storage.azure.createSecret).
        Assert.Empty(manifests.OfKind("Secret"));
        var secret = ValuesOf(render).Text("storage", "azure", "existingSecret");
        foreach (var (deployment, container) in ClusterClients(manifests))
        {
            var env = Manifests.Env(container)[ConnectionString];
            Assert.Null(env.Find("value"));
            Assert.Equal(secret, env.Text("valueFrom", "secretKeyRef", "name"));
            Assert.False(string.IsNullOrEmpty(env.Text("valueFrom", "secretKeyRef", "key")));
        }
    }

    [HelmFact]
    public void A_secret_the_chart_creates_holds_the_connection_string_which_the_Deployments_only_reference()
    {
        const string connection = "DefaultEndpointsProtocol=https;AccountName=example;AccountKey=bm90LWEta2V5;EndpointSuffix=core.windows.net";
        var manifests = HelmChart.Render(
            "--set", "storage.azure.createSecret=true", "--set-string", $"storage.azure.connectionString={connection}");

        var secret = Assert.Single(manifests.OfKind("Secret"));
        var key = Assert.Single(secret.Root.Dictionary("data")).Key;
        Assert.Equal(connection, Encoding.UTF8.GetString(Convert.FromBase64String(secret.Root.Text("data", key)!)));
        AssertNoLiteralSecrets(manifests);
        foreach (var (deployment, container) in ClusterClients(manifests))
        {
            var env = Manifests.Env(container)[ConnectionString];
            Assert.Equal(secret.Name, env.Text("valueFrom", "secretKeyRef", "name"));
            Assert.Equal(key, env.Text("valueFrom", "secretKeyRef", "key"));
            // A new connection string restarts the silos.
            Assert.NotNull(deployment.Root.Text("spec", "template", "metadata", "annotations", "checksum/storage-secret"));
        }
    }

    [HelmFact]
    public void Workload_identity_names_the_account_and_federates_the_service_account_instead_of_a_connection_string()
    {
        const string clientId = "00000000-0000-0000-0000-000000000001";
        var manifests = HelmChart.Render(
            "--set", "storage.azure.auth=workloadIdentity", "--set", "storage.azure.accountName=sammpaprod",
            "--set", $"workloadIdentity.clientId={clientId}");

        var account = Assert.Single(manifests.OfKind("ServiceAccount"));
        Assert.Equal(clientId, account.Root.Text("metadata", "annotations", "azure.workload.identity/client-id"));
        foreach (var (deployment, container) in ClusterClients(manifests))
        {
            var env = Manifests.Env(container);
            Assert.False(env.ContainsKey(ConnectionString));
            Assert.Equal("sammpaprod", env["Storage__Azure__AccountName"].Text("value"));
            Assert.Equal("true", deployment.Root.Text("spec", "template", "metadata", "labels", "azure.workload.identity/use"));
            Assert.Equal(account.Name, deployment.Root.Text("spec", "template", "spec", "serviceAccountName"));
        }

        Assert.Empty(manifests.OfKind("Secret"));
    }

    [HelmTheory]
    [InlineData("storage.azure.existingSecret=", "storage.azure.existingSecret is empty")]
    [InlineData("storage.azure.connectionString=UseDevelopmentStorage=true", "storage.azure.createSecret is false")]
    [InlineData("storage.azure.auth=workloadIdentity", "storage.azure.accountName is empty")]
    [InlineData("storage.azure.auth=sas", "is not known")]
    [InlineData("shutdown.timeoutSeconds=90", "must be below shutdown.terminationGracePeriodSeconds")]
    [InlineData("tls.secretName=", "tls.secretName is empty")]
    [InlineData("tls.allowedNames=", "tls.allowedNames is empty")]
    public void Values_that_cannot_make_a_working_cluster_fail_the_render_and_say_which(string setting, string message)
    {
        var error = HelmChart.RenderError("--set-string", setting);

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Labels_are_consistent_between_selectors_pods_services_and_budgets(string render)
    {
        var manifests = HelmChart.Named(render);
        var appVersion = ChartYaml().Text("appVersion");

        foreach (var manifest in manifests.All)
        {
            // The HTTP gateway is an application of its own (component api): the silos' selectors never pick its pods.
            var name = manifest.Labels.GetValueOrDefault("app.kubernetes.io/component") == GatewayComponent ? "sammpa-gateway" : "sammpa";
            Assert.Equal(name, manifest.Labels.GetValueOrDefault("app.kubernetes.io/name"));
            Assert.Equal("sammpa", manifest.Labels.GetValueOrDefault("app.kubernetes.io/part-of"));
            Assert.Equal(HelmChart.Release, manifest.Labels.GetValueOrDefault("app.kubernetes.io/instance"));
            Assert.Equal(appVersion, manifest.Labels.GetValueOrDefault("app.kubernetes.io/version"));
            Assert.Equal("Helm", manifest.Labels.GetValueOrDefault("app.kubernetes.io/managed-by"));
        }

        foreach (var deployment in manifests.Deployments)
        {
            var selector = deployment.Root.Dictionary("spec", "selector", "matchLabels");
            var pod = deployment.Root.Dictionary("spec", "template", "metadata", "labels");
            Assert.True(IsSubset(selector, pod), $"{deployment}: selector {Show(selector)} does not select its pods {Show(pod)}");
            Assert.Equal(deployment.Labels["app.kubernetes.io/component"], selector.GetValueOrDefault("app.kubernetes.io/component"));
            foreach (var label in new[] { "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "app.kubernetes.io/component" })
            {
                Assert.Equal(deployment.Labels[label], pod.GetValueOrDefault(label));
            }
        }

        // The gateway and metrics Services reach the silos of both pools, and never the HTTP gateway's pods.
        var services = SiloResources(manifests, "Service");
        Assert.Equal(2, services.Count);
        foreach (var service in services)
        {
            var selector = service.Root.Dictionary("spec", "selector");
            Assert.NotEmpty(selector);
            Assert.All(manifests.PodLabels, pod => Assert.True(IsSubset(selector, pod), $"{service} {Show(selector)} misses pods {Show(pod)}"));
            Assert.False(manifests.Gateway is { } gateway && IsSubset(selector, Manifests.PodLabelsOf(gateway)), $"{service} {Show(selector)} selects the HTTP gateway's pods");
        }

        Assert.Contains(services, s => s.Root.Sequence("spec", "ports").Any(p => p.Text("targetPort") == "gateway"));
        Assert.Contains(services, s => s.Root.Sequence("spec", "ports").Any(p => p.Text("targetPort") == "metrics"));

        // One budget per pool (and the gateway's), each selecting that pool's pods alone.
        var budgets = manifests.OfKind("PodDisruptionBudget");
        Assert.Equal(new[] { GatewayComponent }, budgets.Select(b => b.Labels["app.kubernetes.io/component"]).Where(c => c == GatewayComponent));
        budgets = SiloResources(manifests, "PodDisruptionBudget");
        Assert.Equal(new[] { Cpu, Gpu }, budgets.Select(b => b.Labels["app.kubernetes.io/component"]).Order());
        foreach (var budget in budgets)
        {
            var selector = budget.Root.Dictionary("spec", "selector", "matchLabels");
            var selected = Assert.Single(manifests.Deployments, d => IsSubset(selector, d.Root.Dictionary("spec", "template", "metadata", "labels")));
            Assert.Equal(budget.Labels["app.kubernetes.io/component"], selected.Labels["app.kubernetes.io/component"]);
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void A_stopping_silo_leaves_the_cluster_before_the_grace_period_ends(string render)
    {
        foreach (var deployment in HelmChart.Named(render).SiloPools)
        {
            var shutdown = int.Parse(Manifests.EnvValue(Manifests.Silo(deployment), "DOTNET_SHUTDOWNTIMEOUTSECONDS")!);
            var grace = int.Parse(deployment.Root.Text("spec", "template", "spec", "terminationGracePeriodSeconds")!);
            Assert.True(shutdown > 0 && shutdown < grace, $"{deployment}: DOTNET_SHUTDOWNTIMEOUTSECONDS {shutdown} is not below terminationGracePeriodSeconds {grace}");
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Rolling_updates_start_a_new_silo_before_stopping_an_old_one(string render)
    {
        foreach (var deployment in HelmChart.Named(render).Deployments)
        {
            Assert.Equal("RollingUpdate", deployment.Root.Text("spec", "strategy", "type"));
            Assert.Equal("0", deployment.Root.Text("spec", "strategy", "rollingUpdate", "maxUnavailable"));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void An_HPA_sizes_the_cpu_pool_on_cpu_utilisation_and_the_gpu_pool_has_a_fixed_size(string render)
    {
        var manifests = HelmChart.Named(render);
        var values = ValuesOf(render);

        var hpa = Assert.Single(SiloResources(manifests, "HorizontalPodAutoscaler"));
        Assert.Equal("autoscaling/v2", hpa.ApiVersion);
        Assert.Equal("Deployment", hpa.Root.Text("spec", "scaleTargetRef", "kind"));
        Assert.Equal(manifests.Pool(Cpu).Name, hpa.Root.Text("spec", "scaleTargetRef", "name"));
        var metric = Assert.Single(hpa.Root.Sequence("spec", "metrics"));
        Assert.Equal(("cpu", "Utilization"), (metric.Text("resource", "name"), metric.Text("resource", "target", "type")));
        Assert.Equal(values.Text("cpu", "autoscaling", "minReplicas"), hpa.Root.Text("spec", "minReplicas"));
        Assert.Equal(values.Text("cpu", "autoscaling", "maxReplicas"), hpa.Root.Text("spec", "maxReplicas"));
        // The HPA owns the cpu pool's size: a helm upgrade must not reset it.
        Assert.Null(manifests.Pool(Cpu).Root.Find("spec", "replicas"));
        Assert.Equal(values.Text("gpu", "replicaCount"), manifests.Pool(Gpu).Root.Text("spec", "replicas"));

        if (render == "production")
        {
            Assert.Equal(("2", "4", "10"), (manifests.Pool(Gpu).Root.Text("spec", "replicas"), hpa.Root.Text("spec", "minReplicas"), hpa.Root.Text("spec", "maxReplicas")));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void A_ServiceMonitor_scrapes_the_metrics_Service_only_when_enabled_as_in_production(string render)
    {
        var manifests = HelmChart.Named(render);

        if (render == "default")
        {
            Assert.Empty(manifests.OfKind("ServiceMonitor"));
            return;
        }

        var monitor = Assert.Single(manifests.OfKind("ServiceMonitor"));
        Assert.Equal("monitoring.coreos.com/v1", monitor.ApiVersion);
        var selector = monitor.Root.Dictionary("spec", "selector", "matchLabels");
        var service = Assert.Single(manifests.OfKind("Service"), s => IsSubset(selector, s.Labels));
        var port = Assert.Single(monitor.Root.Sequence("spec", "endpoints")).Text("port");
        Assert.Equal("metrics", port);
        Assert.Contains(service.Root.Sequence("spec", "ports"), p => p.Text("name") == port && p.Text("targetPort") == "metrics");
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Tls_is_on_by_default_mounts_the_certificate_and_tells_the_silo_the_allowed_names(string render)
    {
        var manifests = HelmChart.Named(render);

        foreach (var deployment in manifests.SiloPools)
        {
            var silo = Manifests.Silo(deployment);
            Assert.Equal("true", Manifests.EnvValue(silo, "Orleans__Tls__Enabled"));
            Assert.Equal("/etc/sammpa/tls/tls.pfx", Manifests.EnvValue(silo, "Orleans__Tls__CertificatePath"));
            var allowed = ValuesOf(render).Sequence("tls", "allowedNames").Select(n => ((YamlScalarNode)n).Value).ToArray();
            Assert.NotEmpty(allowed);
            Assert.Equal(allowed, allowed.Select((_, i) => Manifests.EnvValue(silo, $"Orleans__Tls__AllowedNames__{i}")).ToArray());
            var mount = Assert.Single(silo.Sequence("volumeMounts"), m => m.Text("mountPath") == "/etc/sammpa/tls");
            var volume = Assert.Single(deployment.Root.Sequence("spec", "template", "spec", "volumes"), v => v.Text("name") == mount.Text("name"));
            Assert.Equal(ValuesOf(render).Text("tls", "secretName"), volume.Text("secret", "secretName"));
            Assert.Contains(volume.Sequence("secret", "items"), i => i.Text("path") == "tls.pfx");
        }
    }

    [HelmFact]
    public void Tls_off_renders_only_with_insecure_set_explicitly()
    {
        var error = HelmChart.RenderError("--set", "tls.enabled=false");
        Assert.Contains("set insecure=true", error, StringComparison.Ordinal);

        var insecure = HelmChart.Render("--set", "tls.enabled=false", "--set", "insecure=true");
        foreach (var (_, container) in ClusterClients(insecure))
        {
            Assert.DoesNotContain(Manifests.Env(container).Keys, k => k.StartsWith("Orleans__Tls__", StringComparison.Ordinal));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void A_NetworkPolicy_lets_only_silos_and_front_ends_reach_the_gateway_and_only_silos_the_silo_port(string render)
    {
        var manifests = HelmChart.Named(render);
        var policy = Assert.Single(SiloResources(manifests, "NetworkPolicy"));
        var selected = policy.Root.Dictionary("spec", "podSelector", "matchLabels");
        Assert.All(manifests.PodLabels, labels => Assert.True(IsSubset(selected, labels), $"{Show(labels)} not selected by the NetworkPolicy"));
        Assert.Equal(["Ingress"], policy.Root.Sequence("spec", "policyTypes").Select(n => ((YamlScalarNode)n).Value));

        var rules = policy.Root.Sequence("spec", "ingress");
        string[] PortsOf(YamlNode rule) => rule.Sequence("ports").Select(p => p.Text("port")!).ToArray();
        // Every rule with the silo or gateway port admits pods only: the silos themselves, or the front ends.
        foreach (var rule in rules.Where(r => PortsOf(r).Intersect(["silo", "gateway"]).Any()))
        {
            var peers = rule.Sequence("from");
            Assert.NotEmpty(peers);
            Assert.All(peers, peer => Assert.NotNull(peer.Mapping("podSelector", "matchLabels")));
        }

        var siloRule = Assert.Single(rules, r => PortsOf(r).Contains("silo"));
        var siloPeer = Assert.Single(siloRule.Sequence("from"));
        Assert.Equal(selected, siloPeer.Dictionary("podSelector", "matchLabels"));
        var frontEnds = ValuesOf(render).Dictionary("networkPolicy", "frontEndSelector");
        Assert.Contains(rules, r => PortsOf(r).SequenceEqual(["gateway"])
            && r.Sequence("from").Any(p => p.Dictionary("podSelector", "matchLabels") is var labels && labels.Count == frontEnds.Count && IsSubset(frontEnds, labels)));
        Assert.All(manifests.PodLabels, labels => Assert.False(IsSubset(frontEnds, labels), "a silo pod carries the front ends' labels"));
        Assert.Contains(rules, r => PortsOf(r).SequenceEqual(["metrics"]) && r.Sequence("from").Count > 0);
    }

    [HelmFact]
    public void Each_pool_runs_its_own_image_tagged_with_the_charts_appVersion_by_default()
    {
        var manifests = HelmChart.Default();
        var appVersion = ChartYaml().Text("appVersion");

        Assert.Equal($"silo-gpu:{appVersion}", Manifests.Silo(manifests.Pool(Gpu)).Text("image"));
        Assert.Equal($"silo-cpu:{appVersion}", Manifests.Silo(manifests.Pool(Cpu)).Text("image"));
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void The_gateway_is_a_Deployment_with_a_ClusterIP_Service_on_its_http_port_and_probes_on_its_health_endpoints(string render)
    {
        var manifests = HelmChart.Named(render);
        var values = ValuesOf(render);

        var gateway = Assert.IsType<Manifest>(manifests.Gateway);
        Assert.Equal($"{HelmChart.Release}-api", gateway.Name);
        Assert.Equal(values.Text("gateway", "replicaCount"), gateway.Root.Text("spec", "replicas"));
        var container = Manifests.GatewayContainer(gateway);
        var port = int.Parse(values.Text("gateway", "port")!);
        Assert.Equal(port, Assert.Single(Manifests.Ports(container), p => p.Key == "http").Value);
        Assert.Equal(port.ToString(), Manifests.EnvValue(container, "ASPNETCORE_HTTP_PORTS"));
        Assert.Equal(port.ToString(), Manifests.EnvValue(container, "Gateway__Port"));
        foreach (var (probe, path) in new[] { ("startupProbe", "/health/live"), ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
        {
            Assert.Equal(path, container.Text(probe, "httpGet", "path"));
            Assert.Equal("http", container.Text(probe, "httpGet", "port"));
        }

        // It stops within its grace period, and never shrinks during an update.
        var shutdown = int.Parse(Manifests.EnvValue(container, "DOTNET_SHUTDOWNTIMEOUTSECONDS")!);
        Assert.True(shutdown > 0 && shutdown < int.Parse(gateway.Root.Text("spec", "template", "spec", "terminationGracePeriodSeconds")!));
        Assert.Equal("0", gateway.Root.Text("spec", "strategy", "rollingUpdate", "maxUnavailable"));
        Assert.Equal("true", gateway.Root.Text("spec", "template", "spec", "securityContext", "runAsNonRoot"));

        var pods = Manifests.PodLabelsOf(gateway);
        var service = Assert.Single(manifests.OfKind("Service"), s => s.Name == gateway.Name);
        Assert.Equal("ClusterIP", service.Root.Text("spec", "type"));
        Assert.Null(service.Root.Find("spec", "clusterIP"));
        Assert.True(IsSubset(service.Root.Dictionary("spec", "selector"), pods), $"{service} does not select the gateway's pods {Show(pods)}");
        Assert.All(manifests.PodLabels, silo => Assert.False(IsSubset(service.Root.Dictionary("spec", "selector"), silo), $"{service} selects a silo"));
        var servicePort = Assert.Single(service.Root.Sequence("spec", "ports"));
        Assert.Equal(("http", "http", values.Text("gateway", "service", "port")), (servicePort.Text("name"), servicePort.Text("targetPort"), servicePort.Text("port")));

        var budget = Assert.Single(manifests.OfKind("PodDisruptionBudget"), b => b.Name == gateway.Name);
        Assert.True(IsSubset(budget.Root.Dictionary("spec", "selector", "matchLabels"), pods));
        Assert.All(manifests.PodLabels, silo => Assert.False(IsSubset(budget.Root.Dictionary("spec", "selector", "matchLabels"), silo), $"{budget} selects a silo"));

        if (render == "default")
        {
            Assert.Equal($"gateway:{ChartYaml().Text("appVersion")}", container.Text("image"));
            Assert.Empty(manifests.OfKind("Ingress"));
        }
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void The_gateway_joins_the_cluster_like_a_client_with_its_own_access_key_and_its_own_client_certificate(string render)
    {
        var manifests = HelmChart.Named(render);
        var values = ValuesOf(render);
        var gateway = Assert.IsType<Manifest>(manifests.Gateway);
        var env = Manifests.Env(Manifests.GatewayContainer(gateway));
        var silo = Manifests.Env(Manifests.Silo(manifests.Pool(Cpu)));

        // The silos' cluster and storage settings, every one of them.
        foreach (var name in silo.Keys.Where(k => k is "Orleans__ClusterId" or "Orleans__ServiceId" || k.StartsWith("Storage__", StringComparison.Ordinal)))
        {
            Assert.True(env.ContainsKey(name), $"{gateway} lacks the silos' {name}");
            Assert.Equal(string.Join(';', silo[name].Scalars()), string.Join(';', env[name].Scalars()));
        }

        // A client, not a silo: no advertised address, no silo ports, no admin keys.
        Assert.False(env.ContainsKey("Orleans__AdvertisedAddress"));
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Security__", StringComparison.Ordinal));
        Assert.Equal(values.Text("gateway", "accessKeySecret", "name"), env["Orleans__AccessKey"].Text("valueFrom", "secretKeyRef", "name"));
        Assert.Equal(values.Text("gateway", "accessKeySecret", "key"), env["Orleans__AccessKey"].Text("valueFrom", "secretKeyRef", "key"));
        Assert.Equal("true", env["Orleans__AccessKey"].Text("valueFrom", "secretKeyRef", "optional"));

        // Mutual TLS with a certificate of its own, mounted from gateway.tls.secretName and never from the silos' Secret.
        Assert.Equal("true", env["Orleans__Tls__Enabled"].Text("value"));
        Assert.Equal("/etc/sammpa/tls/tls.pfx", env["Orleans__Tls__CertificatePath"].Text("value"));
        Assert.Equal("/etc/sammpa/tls/ca.crt", env["Orleans__Tls__TrustedCaPath"].Text("value"));
        var allowed = values.Sequence("gateway", "tls", "allowedNames").Select(n => ((YamlScalarNode)n).Value).ToArray();
        Assert.Equal(allowed, allowed.Select((_, i) => env[$"Orleans__Tls__AllowedNames__{i}"].Text("value")).ToArray());
        var mount = Assert.Single(Manifests.GatewayContainer(gateway).Sequence("volumeMounts"), m => m.Text("mountPath") == "/etc/sammpa/tls");
        var volume = Assert.Single(gateway.Root.Sequence("spec", "template", "spec", "volumes"), v => v.Text("name") == mount.Text("name"));
        Assert.Equal(values.Text("gateway", "tls", "secretName"), volume.Text("secret", "secretName"));
        Assert.NotEqual(values.Text("tls", "secretName"), volume.Text("secret", "secretName"));
        Assert.Equal(["ca.crt", "tls.pfx"], volume.Sequence("secret", "items").Select(i => i.Text("path")).Order());
    }

    [HelmFact]
    public void The_gateway_settings_become_Gateway_environment_variables()
    {
        var manifests = HelmChart.Render("--set", "gateway.settings.Jwt__Authority=https://login.example.org/", "--set", "gateway.settings.MaxUploadBytes=1073741824");

        var container = Manifests.GatewayContainer(Assert.IsType<Manifest>(manifests.Gateway));
        Assert.Equal("https://login.example.org/", Manifests.EnvValue(container, "Gateway__Jwt__Authority"));
        Assert.Equal("1073741824", Manifests.EnvValue(container, "Gateway__MaxUploadBytes"));
    }

    [HelmFact]
    public void Jwt_values_become_Gateway_Jwt_variables_and_the_gateways_own_key_becomes_required()
    {
        var manifests = HelmChart.Render(
            "--set", "gateway.jwt.authority=https://login.example.org/realms/sammpa",
            "--set", "gateway.jwt.audience=sammpa-api",
            "--set", "gateway.jwt.principalClaim=preferred_username",
            "--set", "gateway.accessKeySecret.name=gw-key",
            "--set", "gateway.accessKeySecret.key=secret");

        var container = Manifests.GatewayContainer(Assert.IsType<Manifest>(manifests.Gateway));
        Assert.Equal("https://login.example.org/realms/sammpa", Manifests.EnvValue(container, "Gateway__Jwt__Authority"));
        Assert.Equal("sammpa-api", Manifests.EnvValue(container, "Gateway__Jwt__Audience"));
        Assert.Equal("preferred_username", Manifests.EnvValue(container, "Gateway__Jwt__PrincipalClaim"));
        Assert.Equal("oidc:", Manifests.EnvValue(container, "Gateway__Jwt__PrincipalPrefix"));
        var key = Manifests.Env(container)["Gateway__AccessKey"];
        Assert.Equal("gw-key", key.Text("valueFrom", "secretKeyRef", "name"));
        Assert.Equal("secret", key.Text("valueFrom", "secretKeyRef", "key"));
        // A token's request cannot work without it: the pod waits for the Secret rather than start without the key.
        Assert.NotEqual("true", key.Text("valueFrom", "secretKeyRef", "optional"));
        Assert.Null(key.Text("value"));
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Without_a_jwt_authority_the_gateway_takes_API_keys_only(string render)
    {
        var env = Manifests.Env(Manifests.GatewayContainer(Assert.IsType<Manifest>(HelmChart.Named(render).Gateway)));

        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Gateway__Jwt__", StringComparison.Ordinal) || k == "Gateway__AccessKey");
    }

    [HelmFact]
    public void Webhook_settings_reach_every_silo_and_the_silos_egress_stays_open_for_the_receivers()
    {
        var manifests = HelmChart.Render("--set", "webhooks.settings.MaxAttempts=5", "--set", "webhooks.settings.FirstRetryDelay=00:00:10");

        foreach (var pool in new[] { Gpu, Cpu })
        {
            var silo = Manifests.Silo(manifests.Pool(pool));
            Assert.Equal("5", Manifests.EnvValue(silo, "Webhooks__MaxAttempts"));
            Assert.Equal("00:00:10", Manifests.EnvValue(silo, "Webhooks__FirstRetryDelay"));
        }

        // The silos deliver webhooks to any receiver's URL: no NetworkPolicy of the chart may restrict their egress.
        foreach (var policy in manifests.OfKind("NetworkPolicy"))
        {
            var types = policy.Root.Sequence("spec", "policyTypes").Select(n => ((YamlScalarNode)n).Value).ToArray();
            Assert.True(!types.Contains("Egress") && policy.Root.Find("spec", "egress") is null, $"NetworkPolicy {policy.Name} restricts egress ({string.Join(", ", types)})");
        }
    }

    [HelmFact]
    public void Dicomweb_values_reach_every_silo_with_the_password_or_token_only_from_the_Secret()
    {
        var basic = HelmChart.Render(
            "--set", "dicomWeb.serviceRoot=https://pacs.example.org/dicom-web/", "--set", "dicomWeb.userName=sammpa",
            "--set", "dicomWeb.credentialsSecret.name=pacs-credentials", "--set", "dicomWeb.settings.Timeout=00:05:00");
        var token = HelmChart.Render(
            "--set", "dicomWeb.serviceRoot=https://pacs.example.org/dicom-web/", "--set", "dicomWeb.credentialsSecret.name=pacs-token",
            "--set", "dicomWeb.credentialsSecret.bearerTokenKey=token");

        foreach (var pool in new[] { Gpu, Cpu })
        {
            var silo = Manifests.Silo(basic.Pool(pool));
            Assert.Equal("https://pacs.example.org/dicom-web/", Manifests.EnvValue(silo, "DicomWeb__ServiceRoot"));
            Assert.Equal("sammpa", Manifests.EnvValue(silo, "DicomWeb__UserName"));
            Assert.Equal("00:05:00", Manifests.EnvValue(silo, "DicomWeb__Timeout"));
            var password = Manifests.Env(silo)["DicomWeb__Password"];
            Assert.Null(password.Find("value"));
            Assert.Equal("pacs-credentials", password.Text("valueFrom", "secretKeyRef", "name"));
            Assert.Equal("password", password.Text("valueFrom", "secretKeyRef", "key"));
            Assert.False(Manifests.Env(silo).ContainsKey("DicomWeb__BearerToken"), $"{pool} silo has a bearer token beside basic authentication");

            var tokenSilo = Manifests.Silo(token.Pool(pool));
            var bearer = Manifests.Env(tokenSilo)["DicomWeb__BearerToken"];
            Assert.Null(bearer.Find("value"));
            Assert.Equal("pacs-token", bearer.Text("valueFrom", "secretKeyRef", "name"));
            Assert.Equal("token", bearer.Text("valueFrom", "secretKeyRef", "key"));
            Assert.False(Manifests.Env(tokenSilo).ContainsKey("DicomWeb__UserName"), $"{pool} silo has a user beside the bearer token");
        }

        // The gateway sends no SEG: it gets none of it.
        Assert.DoesNotContain(
            Manifests.Env(Manifests.GatewayContainer(Assert.IsType<Manifest>(basic.Gateway))).Keys,
            k => k.StartsWith("DicomWeb__", StringComparison.Ordinal));
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void Without_a_dicomweb_service_root_no_silo_sends_SEGs_anywhere(string render)
    {
        foreach (var pool in new[] { Gpu, Cpu })
        {
            Assert.DoesNotContain(Manifests.Env(Manifests.Silo(HelmChart.Named(render).Pool(pool))).Keys, k => k.StartsWith("DicomWeb__", StringComparison.Ordinal));
        }
    }

    [HelmTheory]
    [InlineData("dicomWeb.serviceRoot is empty but other dicomWeb values are set", "dicomWeb.userName=sammpa")]
    [InlineData("is not an http or https URL", "dicomWeb.serviceRoot=ftp://pacs.example.org/")]
    [InlineData("would cross the network in clear", "dicomWeb.serviceRoot=http://pacs.example.org/dicom-web/", "dicomWeb.userName=sammpa", "dicomWeb.credentialsSecret.name=pacs")]
    [InlineData("dicomWeb.credentialsSecret.name is empty: name the Secret that holds the password", "dicomWeb.serviceRoot=https://pacs.example.org/dicom-web/", "dicomWeb.userName=sammpa")]
    [InlineData("not both", "dicomWeb.serviceRoot=https://pacs.example.org/dicom-web/", "dicomWeb.userName=sammpa", "dicomWeb.credentialsSecret.name=pacs", "dicomWeb.credentialsSecret.bearerTokenKey=token")]
    [InlineData("dicomWeb.credentialsSecret.name is empty: name the Secret that holds the token", "dicomWeb.serviceRoot=https://pacs.example.org/dicom-web/", "dicomWeb.credentialsSecret.bearerTokenKey=token")]
    [InlineData("says what it holds", "dicomWeb.serviceRoot=https://pacs.example.org/dicom-web/", "dicomWeb.credentialsSecret.name=pacs")]
    public void Dicomweb_values_that_cannot_reach_an_archive_fail_the_render_and_say_which(string message, params string[] settings)
    {
        var error = HelmChart.RenderError([.. settings.SelectMany(s => new[] { "--set", s })]);

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [HelmFact]
    public void An_Ingress_with_TLS_routes_every_host_to_the_gateway_Service()
    {
        var manifests = HelmChart.Render(
            "--set", "gateway.ingress.enabled=true", "--set", "gateway.ingress.className=nginx",
            "--set", "gateway.ingress.hosts[0]=sammpa.example.org", "--set", "gateway.ingress.hosts[1]=api.example.org",
            "--set", "gateway.ingress.tls.secretName=sammpa-example-tls",
            "--set-string", "gateway.ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-buffering=off");

        var ingress = Assert.Single(manifests.OfKind("Ingress"));
        Assert.Equal("networking.k8s.io/v1", ingress.ApiVersion);
        Assert.Equal("nginx", ingress.Root.Text("spec", "ingressClassName"));
        Assert.Equal("off", ingress.Root.Text("metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-buffering"));
        string[] hosts = ["sammpa.example.org", "api.example.org"];
        var tls = Assert.Single(ingress.Root.Sequence("spec", "tls"));
        Assert.Equal("sammpa-example-tls", tls.Text("secretName"));
        Assert.Equal(hosts, tls.Sequence("hosts").Select(h => ((YamlScalarNode)h).Value));

        var service = Assert.Single(manifests.OfKind("Service"), s => s.Name == manifests.Gateway!.Name);
        var rules = ingress.Root.Sequence("spec", "rules");
        Assert.Equal(hosts, rules.Select(r => r.Text("host")));
        foreach (var rule in rules)
        {
            var path = Assert.Single(rule.Sequence("http", "paths"));
            Assert.Equal(("/", "Prefix"), (path.Text("path"), path.Text("pathType")));
            Assert.Equal(service.Name, path.Text("backend", "service", "name"));
            var port = path.Text("backend", "service", "port", "name");
            Assert.Contains(service.Root.Sequence("spec", "ports"), p => p.Text("name") == port);
        }
    }

    [HelmFact]
    public void Production_exposes_the_gateway_through_an_Ingress_with_TLS()
    {
        var ingress = Assert.Single(HelmChart.Production().OfKind("Ingress"));
        var production = ValuesOf("production");

        var tls = Assert.Single(ingress.Root.Sequence("spec", "tls"));
        Assert.Equal(production.Text("gateway", "ingress", "tls", "secretName"), tls.Text("secretName"));
        Assert.Equal(ingress.Root.Sequence("spec", "rules").Select(r => r.Text("host")), tls.Sequence("hosts").Select(h => ((YamlScalarNode)h).Value));
    }

    [HelmFact]
    public void With_the_gateway_disabled_nothing_of_it_renders_and_the_silos_admit_only_the_front_ends()
    {
        var manifests = HelmChart.Render("--set", "gateway.enabled=false", "--set", "gateway.ingress.enabled=true", "--set", "gateway.autoscaling.enabled=true");

        Assert.Null(manifests.Gateway);
        Assert.Equal(2, manifests.Deployments.Count);
        Assert.Empty(manifests.OfKind("Ingress"));
        Assert.DoesNotContain(manifests.All, m => m.Labels.GetValueOrDefault("app.kubernetes.io/component") == GatewayComponent);
        var policy = Assert.Single(manifests.OfKind("NetworkPolicy"));
        Assert.DoesNotContain(
            policy.Root.Sequence("spec", "ingress").SelectMany(r => r.Sequence("from")),
            p => p.Dictionary("podSelector", "matchLabels").GetValueOrDefault("app.kubernetes.io/name") == "sammpa-gateway");
    }

    [HelmFact]
    public void An_HPA_sizes_the_gateway_when_asked_and_then_owns_its_replica_count()
    {
        var manifests = HelmChart.Render("--set", "gateway.autoscaling.enabled=true", "--set", "gateway.autoscaling.minReplicas=3", "--set", "gateway.autoscaling.maxReplicas=9");

        var gateway = Assert.IsType<Manifest>(manifests.Gateway);
        var hpa = Assert.Single(manifests.OfKind("HorizontalPodAutoscaler"), h => h.Root.Text("spec", "scaleTargetRef", "name") == gateway.Name);
        Assert.Equal(("3", "9"), (hpa.Root.Text("spec", "minReplicas"), hpa.Root.Text("spec", "maxReplicas")));
        Assert.Null(gateway.Root.Find("spec", "replicas"));
    }

    [HelmTheory]
    [MemberData(nameof(Renders))]
    public void The_gateway_reaches_the_silos_gateway_port_and_only_its_ingress_peers_reach_the_gateway(string render)
    {
        var manifests = HelmChart.Named(render);
        var gateway = Assert.IsType<Manifest>(manifests.Gateway);
        var pods = Manifests.PodLabelsOf(gateway);
        string[] PortsOf(YamlNode rule) => rule.Sequence("ports").Select(p => p.Text("port")!).ToArray();

        // The silos' policy: the gateway's pods may open the Orleans gateway port, and only that port.
        var silos = Assert.Single(SiloResources(manifests, "NetworkPolicy"));
        var admitting = silos.Root.Sequence("spec", "ingress")
            .Where(r => r.Sequence("from").Any(p => p.Mapping("podSelector", "matchLabels") is not null && IsSubset(p.Dictionary("podSelector", "matchLabels"), pods)))
            .ToArray();
        var rule = Assert.Single(admitting);
        Assert.Equal(["gateway"], PortsOf(rule));

        // The gateway's policy: its pods alone, its http port, from the configured peers (the ingress controller) only.
        var policy = Assert.Single(manifests.OfKind("NetworkPolicy"), p => p.Name == gateway.Name);
        var selector = policy.Root.Dictionary("spec", "podSelector", "matchLabels");
        Assert.True(IsSubset(selector, pods));
        Assert.All(manifests.PodLabels, silo => Assert.False(IsSubset(selector, silo), $"{policy} selects a silo"));
        Assert.Equal(["Ingress"], policy.Root.Sequence("spec", "policyTypes").Select(n => ((YamlScalarNode)n).Value));
        var only = Assert.Single(policy.Root.Sequence("spec", "ingress"));
        Assert.Equal(["http"], PortsOf(only));
        var expected = ValuesOf(render).Sequence("gateway", "networkPolicy", "from");
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(p => string.Join(';', p.Scalars())), only.Sequence("from").Select(p => string.Join(';', p.Scalars())));
    }

    [HelmTheory]
    [InlineData("gateway.ingress.hosts is empty", "gateway.ingress.enabled=true")]
    [InlineData("gateway.ingress.tls.secretName is empty", "gateway.ingress.enabled=true", "gateway.ingress.hosts[0]=sammpa.example.org")]
    [InlineData("set insecure=true", "gateway.ingress.enabled=true", "gateway.ingress.hosts[0]=sammpa.example.org", "gateway.ingress.tls.enabled=false")]
    [InlineData("gateway.tls.secretName is empty", "gateway.tls.secretName=")]
    [InlineData("gateway.networkPolicy.from is empty", "gateway.networkPolicy.from=null")]
    [InlineData("must be below gateway.terminationGracePeriodSeconds", "gateway.shutdownTimeoutSeconds=30")]
    [InlineData("gateway.autoscaling.minReplicas is above", "gateway.autoscaling.enabled=true", "gateway.autoscaling.minReplicas=7")]
    [InlineData("gateway.accessKeySecret.name is empty", "gateway.jwt.authority=https://login.example.org/", "gateway.jwt.audience=sammpa", "gateway.accessKeySecret.name=")]
    [InlineData("gateway.jwt.audience is empty", "gateway.jwt.authority=https://login.example.org/")]
    [InlineData("is not an https URL", "gateway.jwt.authority=http://login.example.org/", "gateway.jwt.audience=sammpa")]
    public void Gateway_values_that_cannot_work_fail_the_render_and_say_which(string message, params string[] settings)
    {
        var error = HelmChart.RenderError([.. settings.SelectMany(s => new[] { "--set", s })]);

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_value_has_a_comment_in_values_yaml_and_a_row_in_the_charts_README()
    {
        var valuesFile = Path.Combine(HelmChart.ChartDirectory, "values.yaml");
        var lines = File.ReadAllLines(valuesFile);
        var readme = File.ReadAllText(Path.Combine(HelmChart.ChartDirectory, "README.md"));
        var table = Regex.Match(readme, @"^## Values$(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(table.Success, "deploy/helm/sammpa/README.md has no section '## Values'");
        var rows = Regex.Matches(table.Groups[1].Value, @"^\| `([^`]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var values = Leaves(LoadYaml(valuesFile), "").ToArray();
        Assert.NotEmpty(values);
        var undocumented = values.Where(v => !rows.Contains(v.Path)).Select(v => v.Path).ToArray();
        Assert.True(undocumented.Length == 0, $"values missing from the table in deploy/helm/sammpa/README.md: {string.Join(", ", undocumented)}");
        var uncommented = values.Where(v => v.Line < 2 || !lines[v.Line - 2].TrimStart().StartsWith('#')).Select(v => v.Path).ToArray();
        Assert.True(uncommented.Length == 0, $"values without a comment line above them in values.yaml: {string.Join(", ", uncommented)}");
        var unknown = rows.Where(r => !values.Any(v => v.Path == r)).ToArray();
        Assert.True(unknown.Length == 0, $"rows of the README's values table that are no value: {string.Join(", ", unknown)}");
    }

    private static void AssertNoLiteralSecrets(Manifests manifests)
    {
        foreach (var workload in manifests.All.Where(m => m.Root.Find("spec", "template", "spec") is not null))
        {
            foreach (var container in Manifests.Containers(workload))
            {
                foreach (var (name, env) in Manifests.Env(container))
                {
                    var value = env.Text("value") ?? "";
                    Assert.False(
                        value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase) || value.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase),
                        $"{workload} env {name} carries a literal secret");
                }
            }

            // Nor anywhere else in the pod template (args, annotations).
            Assert.DoesNotContain(
                workload.Root.Scalars(),
                s => s.Value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase) || s.Value.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>The resources of a kind that belong to the silos (app.kubernetes.io/name sammpa), not to the HTTP gateway.</summary>
    private static IReadOnlyList<Manifest> SiloResources(Manifests manifests, string kind) =>
        [.. manifests.OfKind(kind).Where(m => m.Labels.GetValueOrDefault("app.kubernetes.io/name") == "sammpa")];

    /// <summary>Every container that joins the cluster: each pool's silo container and the HTTP gateway's container.</summary>
    private static IEnumerable<(Manifest Deployment, YamlMappingNode Container)> ClusterClients(Manifests manifests)
    {
        var all = manifests.SiloPools.Select(d => (d, Manifests.Silo(d))).ToList();
        if (manifests.Gateway is { } gateway)
        {
            all.Add((gateway, Manifests.GatewayContainer(gateway)));
        }

        return all;
    }

    private static bool IsSubset(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out var value) && value == kv.Value);

    private static string Show(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(", ", labels.Select(kv => $"{kv.Key}={kv.Value}")) + "}";

    /// <summary>The values a render used: values.yaml, with values-production.yaml over it for "production".</summary>
    private static YamlNode ValuesOf(string render)
    {
        var defaults = LoadYaml(Path.Combine(HelmChart.ChartDirectory, "values.yaml"));
        return render == "production"
            ? Overlay(defaults, LoadYaml(Path.Combine(HelmChart.RepositoryRoot, HelmChart.ProductionValues)))
            : defaults;
    }

    private static YamlNode ChartYaml() => LoadYaml(Path.Combine(HelmChart.ChartDirectory, "Chart.yaml"));

    private static YamlNode LoadYaml(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            stream.Load(reader);
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>Helm's merge of values files: mappings merge key by key, anything else replaces.</summary>
    private static YamlNode Overlay(YamlNode under, YamlNode over)
    {
        if (under is not YamlMappingNode low || over is not YamlMappingNode high)
        {
            return over;
        }

        var merged = new YamlMappingNode();
        foreach (var (key, value) in low.Children)
        {
            merged.Add(key, high.Children.TryGetValue(key, out var replacement) ? Overlay(value, replacement) : value);
        }

        foreach (var (key, value) in high.Children.Where(kv => !low.Children.ContainsKey(kv.Key)))
        {
            merged.Add(key, value);
        }

        return merged;
    }

    /// <summary>
    /// The documented values: every key whose value is a scalar, a sequence or an empty mapping, and every mapping that
    /// is a Kubernetes object passed through as a whole (resources, security contexts), with the line of its key.
    /// </summary>
    private static IEnumerable<(string Path, int Line)> Leaves(YamlNode node, string prefix)
    {
        if (node is not YamlMappingNode map)
        {
            yield break;
        }

        foreach (var (key, value) in map.Children)
        {
            var path = prefix.Length == 0 ? ((YamlScalarNode)key).Value! : $"{prefix}.{((YamlScalarNode)key).Value}";
            if (value is YamlMappingNode inner && inner.Children.Count > 0 && !PassedThrough.Contains(((YamlScalarNode)key).Value!))
            {
                foreach (var leaf in Leaves(inner, path))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, (int)key.Start.Line);
            }
        }
    }

    private static readonly HashSet<string> PassedThrough = new(StringComparer.Ordinal) { "resources", "securityContext", "podSecurityContext", "frontEndSelector" };
}
