namespace SamMpa.Tests.Deployment;

/// <summary>
/// The secret command values-production.yaml tells an operator to run creates every key the chart mounts from the TLS
/// Secret: a key the chart mounts but the Secret lacks leaves the pod stuck in ContainerCreating.
/// </summary>
public sealed class ProductionSecretCommandTests
{
    [Fact]
    public void The_tls_secret_command_carries_the_certificate_and_the_CA_the_chart_mounts()
    {
        var production = File.ReadAllLines(Path.Combine(HelmChart.RepositoryRoot, HelmChart.ProductionValues));
        var defaults = File.ReadAllLines(Path.Combine(HelmChart.ChartDirectory, "values.yaml"));
        var command = Assert.Single(production, l => l.Contains("kubectl create secret generic sammpa-tls", StringComparison.Ordinal));

        foreach (var key in new[] { TlsValue(production, defaults, "secretKey"), TlsValue(production, defaults, "caKey") })
        {
            Assert.Contains($"--from-file={key}=", command, StringComparison.Ordinal);
        }
    }

    /// <summary>A key of the tls section: the production file's when it sets it, else the chart's default.</summary>
    private static string TlsValue(string[] production, string[] defaults, string key) =>
        TlsSectionValue(production, key) ?? TlsSectionValue(defaults, key) ?? throw new InvalidOperationException($"tls.{key} is set nowhere");

    private static string? TlsSectionValue(string[] lines, string key)
    {
        var inTls = false;
        foreach (var line in lines)
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && !line.StartsWith('#'))
            {
                inTls = line.StartsWith("tls:", StringComparison.Ordinal);
                continue;
            }

            var trimmed = line.Trim();
            if (inTls && trimmed.StartsWith($"{key}:", StringComparison.Ordinal))
            {
                return trimmed[(key.Length + 1)..].Trim();
            }
        }

        return null;
    }
}
