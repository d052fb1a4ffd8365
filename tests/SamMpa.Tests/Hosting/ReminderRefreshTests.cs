using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SamMpa.Hosting;

namespace SamMpa.Tests.Hosting;

/// <summary>
/// A job is brought back after a silo failure by its reminder, so a silo re-reads the reminder table every minute
/// (Orleans' default is five), unless Job:ReminderRefreshPeriod says otherwise.
/// </summary>
public sealed class ReminderRefreshTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-reminder-refresh-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(null, 60)]
    [InlineData("00:02:30", 150)]
    public void A_silo_re_reads_the_reminder_table_every_minute_unless_configured(string? configured, int expectedSeconds)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = $"reminders-{Guid.NewGuid():N}",
            ["Orleans:MetricsPort"] = "0",
            ["Orleans:HealthPort"] = "0",
            ["Storage:LocalRoot"] = _root,
        };
        if (configured is not null)
        {
            settings["Job:ReminderRefreshPeriod"] = configured;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSamMpaSilo();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<Orleans.Hosting.ReminderOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), options.RefreshReminderListPeriod);
    }
}
