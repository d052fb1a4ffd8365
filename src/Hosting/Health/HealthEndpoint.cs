using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using SamMpa.Storage;

namespace SamMpa.Hosting.Health;

/// <summary>
/// The silo's health endpoints for Kubernetes probes, served by <see cref="HttpListener"/> on every interface:
/// <c>GET /health/live</c> answers 200 while the process serves requests; <c>GET /health/ready</c> answers 200 when
/// <see cref="ReadinessCheck"/> passes and 503 with the reason when it does not. Bodies are short JSON objects.
/// </summary>
public sealed class HealthEndpoint : IHostedService, IDisposable
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const int StartAttempts = 5;

    private HttpListener _listener;
    private readonly ReadinessCheck _readiness;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _accepting;
    private bool? _lastReady;

    public HealthEndpoint(int port, ReadinessCheck readiness, ILogger<HealthEndpoint>? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentNullException.ThrowIfNull(readiness);
        Port = port;
        _readiness = readiness;
        _logger = logger ?? NullLogger<HealthEndpoint>.Instance;
        _listener = NewListener(port);
    }

    public int Port { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _listener.Start();
                break;
            }
            catch (Exception e) when (e is ArgumentNullException or HttpListenerException && attempt < StartAttempts)
            {
                // The managed HttpListener's start race (dotnet/corefx#35191): a connection already waiting (a probe
                // polling the port) when it first accepts meets a lock object not yet assigned, and the half-made
                // listener keeps the port bound. Let the finalizer close that socket and start a new listener.
                _logger.LogWarning("Health endpoint: starting on port {Port} failed ({Reason}); trying again", Port, e.Message);
                _listener.Close();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
                _listener = NewListener(Port);
            }
        }

        _accepting = AcceptAsync();
        _logger.LogInformation("Health endpoints on port {Port}: {Live}, {Ready}", Port, LivePath, ReadyPath);
    }

    private static HttpListener NewListener(int port)
    {
        var listener = new HttpListener();
        // Every interface and host name; on Linux the managed HttpListener needs no privileges for this (port > 1023).
        listener.Prefixes.Add($"http://+:{port}/");
        return listener;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_listener.IsListening)
        {
            _listener.Stop();
        }

        if (_accepting is not null)
        {
            await _accepting.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // Stop() ends the pending accept; anything else is logged and the loop goes on while listening.
                if (_stopping.IsCancellationRequested || !_listener.IsListening)
                {
                    return;
                }

                _logger.LogWarning(exception, "Health endpoint: accepting a request failed");
                continue;
            }

            // Each request on its own: a readiness check waiting on storage never delays a liveness probe.
            _ = RespondAsync(context);
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            var path = request.Url?.AbsolutePath ?? "";
            if (path is not (LivePath or ReadyPath))
            {
                await WriteAsync(response, HttpStatusCode.NotFound, new { status = "not found", paths = new[] { LivePath, ReadyPath } });
                return;
            }

            if (request.HttpMethod != "GET")
            {
                response.AddHeader("Allow", "GET");
                await WriteAsync(response, HttpStatusCode.MethodNotAllowed, new { status = "method not allowed" });
                return;
            }

            if (path == LivePath)
            {
                await WriteAsync(response, HttpStatusCode.OK, new { status = "live" });
                return;
            }

            var report = await _readiness.CheckAsync(_stopping.Token);
            LogChange(report);
            await WriteAsync(
                response,
                report.Ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable,
                new { status = report.Ready ? "ready" : "not ready", silo = report.Silo, storage = report.Storage, reason = report.Reason });
        }
        catch (Exception exception)
        {
            if (!_stopping.IsCancellationRequested)
            {
                _logger.LogWarning(exception, "Health endpoint: answering {Path} failed", context.Request.Url?.AbsolutePath);
            }

            response.Abort();
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, object body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Json);
        response.StatusCode = (int)status;
        response.ContentType = "application/json; charset=utf-8";
        response.AddHeader("Cache-Control", "no-store");
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    /// <summary>Logs when readiness changes (probes come every few seconds; an unchanged answer is not news).</summary>
    private void LogChange(ReadinessReport report)
    {
        lock (_gate)
        {
            if (_lastReady == report.Ready)
            {
                return;
            }

            _lastReady = report.Ready;
        }

        if (report.Ready)
        {
            _logger.LogInformation("Ready: the silo is {Silo} and storage answers", report.Silo);
        }
        else
        {
            _logger.LogWarning("Not ready: {Reason}", report.Reason);
        }
    }
}

public static class HealthExtensions
{
    /// <summary>
    /// Serves <see cref="HealthEndpoint"/> on <paramref name="port"/> for a silo host (its <see cref="ISiloStatusOracle"/>
    /// and <see cref="IBlobStore"/>); port 0 adds nothing. Register it before the silo, so it answers "live" (and "not
    /// ready") while the silo is still joining.
    /// </summary>
    public static IServiceCollection AddSamMpaHealth(this IServiceCollection services, int port)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (port == 0)
        {
            return services;
        }

        services.AddHostedService(provider => new HealthEndpoint(
            port,
            new ReadinessCheck(() => provider.GetRequiredService<ISiloStatusOracle>().CurrentStatus, provider.GetRequiredService<IBlobStore>()),
            provider.GetService<ILogger<HealthEndpoint>>()));
        return services;
    }
}
