using YamlDotNet.RepresentationModel;

namespace SamMpa.Tests.Deployment;

/// <summary>One Kubernetes object of a render.</summary>
internal sealed record Manifest(string ApiVersion, string Kind, string Name, YamlMappingNode Root)
{
    public IReadOnlyDictionary<string, string> Labels => Root.Dictionary("metadata", "labels");

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>The objects of a multi-document render (helm template's output), and ways to find the chart's parts in it.</summary>
internal sealed class Manifests
{
    public const string Role = "Orleans__Metadata__role";

    private Manifests(IReadOnlyList<Manifest> all) => All = all;

    public IReadOnlyList<Manifest> All { get; }

    public static Manifests Parse(string yaml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }

        // Comment-only documents (a template that rendered nothing) have no mapping root.
        var all = stream.Documents
            .Select(d => d.RootNode)
            .OfType<YamlMappingNode>()
            .Select(root => new Manifest(
                root.Text("apiVersion") ?? "",
                root.Text("kind") ?? "",
                root.Text("metadata", "name") ?? "",
                root))
            .ToArray();
        return new Manifests(all);
    }

    public IReadOnlyList<Manifest> OfKind(string kind) => [.. All.Where(m => m.Kind == kind)];

    public IReadOnlyList<Manifest> Deployments => OfKind("Deployment");

    /// <summary>The silo pools: the Deployments with a container named "silo".</summary>
    public IReadOnlyList<Manifest> SiloPools => [.. Deployments.Where(d => Containers(d).Any(c => c.Text("name") == "silo"))];

    /// <summary>The Deployment whose silo container says Orleans__Metadata__role=<paramref name="role"/>.</summary>
    public Manifest Pool(string role) =>
        Assert.Single(SiloPools, d => EnvValue(Silo(d), Role) == role);

    /// <summary>The pod template's labels of every silo pool.</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> PodLabels =>
        SiloPools.Select(d => d.Root.Dictionary("spec", "template", "metadata", "labels"));

    /// <summary>The HTTP gateway's Deployment (the one with a container named "gateway"), or null when it is off.</summary>
    public Manifest? Gateway => Deployments.SingleOrDefault(d => Containers(d).Any(c => c.Text("name") == GatewayContainerName));

    public const string GatewayContainerName = "gateway";

    /// <summary>The silo container of a Deployment.</summary>
    public static YamlMappingNode Silo(Manifest deployment) =>
        Assert.Single(Containers(deployment), c => c.Text("name") == "silo");

    /// <summary>The gateway container of the gateway's Deployment.</summary>
    public static YamlMappingNode GatewayContainer(Manifest deployment) =>
        Assert.Single(Containers(deployment), c => c.Text("name") == GatewayContainerName);

    /// <summary>The pod template's labels of a workload.</summary>
    public static IReadOnlyDictionary<string, string> PodLabelsOf(Manifest workload) =>
        workload.Root.Dictionary("spec", "template", "metadata", "labels");

    /// <summary>Every container (and init container) of an object with a pod template.</summary>
    public static IEnumerable<YamlMappingNode> Containers(Manifest workload) =>
        new[] { "containers", "initContainers" }.SelectMany(list =>
            workload.Root.Sequence("spec", "template", "spec", list).OfType<YamlMappingNode>());

    /// <summary>A container's environment variables by name (each the whole EnvVar object).</summary>
    public static IReadOnlyDictionary<string, YamlMappingNode> Env(YamlMappingNode container)
    {
        var env = container.Sequence("env").OfType<YamlMappingNode>().ToArray();
        var names = env.Select(e => e.Text("name") ?? "").ToArray();
        Assert.True(names.Length == names.Distinct(StringComparer.Ordinal).Count(), $"duplicate env names: {string.Join(", ", names)}");
        return env.ToDictionary(e => e.Text("name") ?? "", StringComparer.Ordinal);
    }

    /// <summary>The literal value of an environment variable, or null (absent, or from valueFrom).</summary>
    public static string? EnvValue(YamlMappingNode container, string name) =>
        Env(container).TryGetValue(name, out var e) ? e.Text("value") : null;

    /// <summary>A container's ports by name.</summary>
    public static IReadOnlyDictionary<string, int> Ports(YamlMappingNode container) =>
        container.Sequence("ports").OfType<YamlMappingNode>()
            .ToDictionary(p => p.Text("name") ?? "", p => int.Parse(p.Text("containerPort") ?? "-1"), StringComparer.Ordinal);
}

/// <summary>Navigation in YamlDotNet's representation model by paths of mapping keys.</summary>
internal static class YamlPaths
{
    public static YamlNode? Find(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>A scalar's text, or null when the path leads nowhere or not to a scalar.</summary>
    public static string? Text(this YamlNode node, params string[] path) => (node.Find(path) as YamlScalarNode)?.Value;

    public static YamlMappingNode? Mapping(this YamlNode node, params string[] path) => node.Find(path) as YamlMappingNode;

    /// <summary>A sequence's items; none when the path leads nowhere.</summary>
    public static IReadOnlyList<YamlNode> Sequence(this YamlNode node, params string[] path) =>
        node.Find(path) is YamlSequenceNode seq ? [.. seq.Children] : [];

    /// <summary>A mapping of scalars (labels, a selector) as a dictionary; empty when the path leads nowhere.</summary>
    public static IReadOnlyDictionary<string, string> Dictionary(this YamlNode node, params string[] path) =>
        node.Find(path) is YamlMappingNode map
            ? map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => (kv.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every scalar under a node, with its path (for scans such as "no literal secret anywhere").</summary>
    public static IEnumerable<(string Path, string Value)> Scalars(this YamlNode node, string path = "")
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                yield return (path, scalar.Value ?? "");
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    foreach (var inner in value.Scalars($"{path}.{(key as YamlScalarNode)?.Value}"))
                    {
                        yield return inner;
                    }
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    foreach (var inner in seq.Children[i].Scalars($"{path}[{i}]"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }
}
