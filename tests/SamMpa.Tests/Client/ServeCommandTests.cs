using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SamMpa.Client.Commands;
using SamMpa.Client.Serve;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Imaging.Phantoms;

namespace SamMpa.Tests.Client;

/// <summary>
/// `sammpa serve` in this process: the embedded silo and the gateway on 127.0.0.1, read from what the command prints
/// (URL, API key, the opened dataset's page), then used over HTTP as a browser or a script would.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private const string DatasetId = "phantoms";
    private const int ImageCount = 6;

    /// <summary>A guard against a hang, never a wait: every wait is on a printed line or the command's end.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly string _home = Directory.CreateTempSubdirectory("sammpa-serve-home-").FullName;
    private readonly string _data = Directory.CreateTempSubdirectory("sammpa-serve-data-").FullName;

    public void Dispose()
    {
        Directory.Delete(_home, recursive: true);
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Serve_prints_the_app_and_a_kept_key_opens_the_folder_and_forwards_each_callers_own_key()
    {
        PhantomDataset.Write(_data, ImageCount, seed: 1);
        string[] arguments =
        [
            "serve", "--port", "0", "--home", _home, "--open", PhantomDataset.ImagesDirectory(_data),
            "--truth", PhantomDataset.MasksDirectory(_data), "--id", DatasetId, "--working-size", "64",
        ];

        string firstKey;
        var viewer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var serve = Serving.Start(arguments, async server =>
                     {
                         // What an admin would do with `sammpa keys create`, and the owner with `sammpa grant`.
                         var created = await server.CreateKeyAsync("serve-test-viewer");
                         var owner = File.ReadAllText(LocalUserKey.PathIn(_home)).Trim();
                         await AccessKeyCalls.WithKeyAsync(owner, () =>
                             server.Cluster.Client.GetGrain<IDatasetGrain>(DatasetId).GrantAsync("serve-test-viewer", DatasetRole.Viewer));
                         viewer.SetResult(created.Secret);
                     }))
        {
            var app = new Uri(await serve.LineAsync(ServeCommand.UrlLine));
            firstKey = await serve.LineAsync(ServeCommand.KeyLine);
            var page = new Uri(await serve.LineAsync(ServeCommand.DatasetLine));
            var viewerKey = await serve.Within(viewer.Task);

            Assert.Equal("127.0.0.1", app.Host);
            Assert.Equal("/app/", app.AbsolutePath);
            Assert.Equal($"/app/dataset.html?id={DatasetId}", page.PathAndQuery);
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(
                    (File.GetUnixFileMode(LocalUserKey.PathIn(_home)) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) == 0,
                    "the kept key's file must be readable by its owner only");
            }

            using var http = new HttpClient { BaseAddress = new Uri(app, "/") };
            using (var ready = await http.GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            using (var html = await http.GetAsync(app))
            {
                Assert.Equal(HttpStatusCode.OK, html.StatusCode);
                Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
                Assert.Contains("<title>SamMpa</title>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var anonymous = await http.GetAsync("/api/v1/whoami"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            using var whoami = await SendAsync(http, HttpMethod.Get, "/api/v1/whoami", firstKey);
            Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
            var caller = await whoami.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(LocalUserKey.Principal, caller.GetProperty("principal").GetString());
            Assert.False(caller.GetProperty("admin").GetBoolean(), "the printed key must not be an admin key");

            using var dataset = await SendAsync(http, HttpMethod.Get, $"/api/v1/datasets/{DatasetId}", firstKey);
            Assert.Equal(HttpStatusCode.OK, dataset.StatusCode);
            var status = (await dataset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status");
            Assert.Equal(DatasetId, status.GetProperty("dataset").GetString());
            Assert.Equal(ImageCount, status.GetProperty("images").GetInt32());

            // The viewer's own key reaches the silo: it may look, and may not run. Were the embedded silo's admin key
            // put on the gateway's calls, the run would pass the role check like the owner's does (409: nothing annotated).
            using (var look = await SendAsync(http, HttpMethod.Get, $"/api/v1/datasets/{DatasetId}", viewerKey))
            {
                Assert.Equal(HttpStatusCode.OK, look.StatusCode);
            }

            using (var viewerRun = await SendAsync(http, HttpMethod.Post, $"/api/v1/datasets/{DatasetId}/runs", viewerKey, new { stages = "auto" }))
            {
                Assert.Equal(HttpStatusCode.Forbidden, viewerRun.StatusCode);
            }

            using (var ownerRun = await SendAsync(http, HttpMethod.Post, $"/api/v1/datasets/{DatasetId}/runs", firstKey, new { stages = "auto" }))
            {
                Assert.Equal(HttpStatusCode.Conflict, ownerRun.StatusCode);
            }

            Assert.Equal(ExitCodes.Cancelled, await serve.StopAsync());
        }

        // Again on the same home: the same key, and the same folder opens the same dataset again.
        await using (var again = Serving.Start(arguments))
        {
            Assert.Equal(firstKey, await again.LineAsync(ServeCommand.KeyLine));
            Assert.EndsWith($"?id={DatasetId}", await again.LineAsync(ServeCommand.DatasetLine), StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Cancelled, await again.StopAsync());
        }
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--truth", "masks")]
    [InlineData("--id", "d1")]
    public async Task Bad_options_exit_with_the_invalid_input_code_before_anything_starts(string option, string value)
    {
        var errors = new StringWriter();

        var exit = await SammpaCommandLine.Build()
            .Parse(["serve", "--home", _home, option, value])
            .InvokeAsync(new InvocationConfiguration { Error = errors, Output = TextWriter.Null });

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains(option, errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(LocalUserKey.PathIn(_home)), "no key should be made when the options are refused");
    }

    [Fact]
    public async Task A_folder_whose_name_is_no_dataset_id_needs_an_id()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_data, "two words")).FullName;
        var errors = new StringWriter();

        var exit = await SammpaCommandLine.Build()
            .Parse(["serve", "--home", _home, "--open", folder])
            .InvokeAsync(new InvocationConfiguration { Error = errors, Output = TextWriter.Null });

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("--id", errors.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    /// <summary>One `sammpa serve` invocation in this process, stopped by cancelling its token (as Ctrl-C does).</summary>
    private sealed class Serving : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly AwaitableLineWriter _output = new();
        private readonly StringWriter _errors = new();
        private readonly Task<int> _exit;

        private Serving(string[] arguments, Func<LocalWebServer, Task>? serving)
        {
            var root = new RootCommand { ServeCommand.Create(serving) };
            var configuration = new InvocationConfiguration
            {
                Output = _output,
                Error = TextWriter.Synchronized(_errors),
                ProcessTerminationTimeout = null,
            };
            _exit = Task.Run(() => root.Parse(arguments).InvokeAsync(configuration, _stop.Token));
        }

        public static Serving Start(string[] arguments, Func<LocalWebServer, Task>? serving = null) => new(arguments, serving);

        /// <summary>The rest of the printed line that starts with <paramref name="prefix"/>.</summary>
        public Task<string> LineAsync(string prefix) => Within(_output.LineStartingWithAsync(prefix));

        /// <summary><paramref name="task"/>'s result; a failure naming the command's exit and errors when it ended first.</summary>
        public async Task<T> Within<T>(Task<T> task)
        {
            var first = await Task.WhenAny(task, _exit).WaitAsync(Patience);
            if (first != task)
            {
                Assert.Fail($"sammpa serve exited with {await _exit} first; its output:\n{_output}\nits errors:\n{_errors}");
            }

            return await task;
        }

        public async Task<int> StopAsync()
        {
            await _stop.CancelAsync();
            return await _exit.WaitAsync(Patience);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_exit.IsCompleted)
            {
                await _stop.CancelAsync();
                await _exit.WaitAsync(Patience);
            }

            _stop.Dispose();
        }
    }
}
