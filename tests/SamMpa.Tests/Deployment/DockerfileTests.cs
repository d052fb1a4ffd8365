using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SamMpa.Tests.Infrastructure;
using System.Text.RegularExpressions;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Deployment;

/// <summary>
/// The Dockerfiles of deploy/docker, checked without a Docker engine: pinned base images, build-context sources that
/// exist (and that .dockerignore lets through), and files copied from the build stage that its <c>dotnet publish</c>
/// really produces (the fixture runs that publish, once per command).
/// </summary>
public sealed partial class DockerfileTests(DockerPublishFixture publish) : IClassFixture<DockerPublishFixture>
{
    private static readonly string[] Names = ["silo-cpu.Dockerfile", "silo-gpu.Dockerfile", "client.Dockerfile", "gateway.Dockerfile"];

    // The images that run a silo (the client's embeds one for eval and demo): they carry the maps and the models.
    private static readonly string[] SiloHosts = ["silo-cpu.Dockerfile", "silo-gpu.Dockerfile", "client.Dockerfile"];

    public static TheoryData<string> Dockerfiles => new(Names);

    public static TheoryData<string> SiloHostDockerfiles => new(SiloHosts);

    [Fact]
    public void Deploy_docker_holds_the_four_dockerfiles_and_the_root_a_dockerignore()
    {
        var found = Directory.GetFiles(Path.Combine(Repository.Root, "deploy", "docker"), "*.Dockerfile").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(Names.Order(StringComparer.Ordinal), found);
        Assert.True(File.Exists(Path.Combine(Repository.Root, ".dockerignore")));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Every_base_image_is_pinned_to_a_version_tag(string name)
    {
        var file = Dockerfile.Load(name);
        Assert.NotEmpty(file.Stages);

        foreach (var stage in file.Stages)
        {
            if (file.Stages.Any(s => s.Index < stage.Index && s.Name == stage.Image))
            {
                continue; // FROM an earlier stage
            }

            Assert.DoesNotContain('$', stage.Image);
            var (repository, tag) = ImageReference(stage.Image);
            Assert.False(tag is null, $"{name}:{stage.Line}: FROM {stage.Image} has no tag");
            Assert.NotEqual("latest", tag);
            // A version, not a floating name: .NET and CUDA images down to the patch (10.0.12-noble, 13.0.1-...),
            // Debian to its point release (12.14-slim).
            var exact = repository.StartsWith("mcr.microsoft.com/dotnet/", StringComparison.Ordinal) || repository.EndsWith("nvidia/cuda", StringComparison.Ordinal);
            Assert.Matches(exact ? @"^\d+\.\d+\.\d+(-|$)" : @"^\d+\.\d+(\.\d+)*(-|$)", tag);
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Build_context_sources_exist_and_are_not_docker_ignored(string name)
    {
        var file = Dockerfile.Load(name);
        var ignore = DockerIgnore.Load(Path.Combine(Repository.Root, ".dockerignore"));
        var copies = file.Copies.Where(c => c.From is null).ToList();
        Assert.NotEmpty(copies);

        foreach (var copy in copies)
        {
            foreach (var source in copy.Sources)
            {
                var matches = Repository.Match(source);
                Assert.True(matches.Count > 0, $"{name}:{copy.Line}: COPY source '{source}' is not in the repository");
                foreach (var match in matches)
                {
                    Assert.False(ignore.Excludes(match), $"{name}:{copy.Line}: COPY source '{match}' is excluded by .dockerignore");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public async Task Files_copied_from_the_build_stage_are_in_its_publish_output(string name)
    {
        var file = Dockerfile.Load(name);
        var build = await PublishBuildStageAsync(file);
        var fromBuild = file.Copies.Where(c => c.From == build.Stage.Name).ToList();
        Assert.NotEmpty(fromBuild);

        foreach (var copy in fromBuild)
        {
            foreach (var source in copy.Sources)
            {
                var relative = Published(source, name, copy.Line);
                Assert.True(build.Exists(relative), $"{name}:{copy.Line}: COPY --from={copy.From} {source} is not in the publish output");
            }
        }

        // The entry point: ["dotnet", "X.dll"] with X.dll where the image's COPY --from=build put it.
        var entry = file.Final.Instructions.LastOrDefault(i => i.Keyword == "ENTRYPOINT");
        Assert.NotNull(entry);
        var command = JsonSerializer.Deserialize<string[]>(entry.Arguments)!;
        Assert.Equal("dotnet", command[0]);
        var dll = Posix.Combine(file.Final.WorkDirAt(entry.Line), command[1]);
        var placed = fromBuild
            .Where(c => c.Stage == file.Final.Index)
            .Select(c => (Destination: Posix.Combine(c.WorkDir, c.Destination).TrimEnd('/'), Source: Published(c.Sources.Single(), name, c.Line)))
            .Where(c => dll.StartsWith(c.Destination + "/", StringComparison.Ordinal))
            .Select(c => c.Source.Length == 0 ? dll[(c.Destination.Length + 1)..] : $"{c.Source}/{dll[(c.Destination.Length + 1)..]}")
            .ToList();
        Assert.True(placed.Count > 0, $"{name}: the entry point {dll} is not copied from the build stage");
        Assert.True(placed.Any(build.Exists), $"{name}: the entry point {dll} is not in the publish output");
    }

    [Theory]
    [MemberData(nameof(SiloHostDockerfiles))]
    public async Task The_published_app_bundles_the_registration_maps_and_the_resnet18_models(string name)
    {
        var build = await PublishBuildStageAsync(Dockerfile.Load(name));

        var maps = Directory.GetFiles(Path.Combine(Repository.Root, "src", "Imaging", "Registration", "Parameters"), "*.txt");
        Assert.NotEmpty(maps);
        foreach (var map in maps)
        {
            Assert.True(build.Exists($"{RegistrationOptions.BundledParameterFolder}/{Path.GetFileName(map)}"), $"{name}: {Path.GetFileName(map)} is not published");
        }

        Assert.True(build.Exists($"{ResNet18Encoder.ModelsFolderName}/{ResNet18Encoder.ResNetRelativePath}"), $"{name}: ResNet18.onnx is not published");
        Assert.True(build.Exists($"{ResNet18Encoder.ModelsFolderName}/{ResNet18Encoder.PreprocessRelativePath}"), $"{name}: the ResNet18 preprocessing model is not published");
    }

    [Theory]
    [InlineData("silo-cpu.Dockerfile", false)]
    [InlineData("silo-gpu.Dockerfile", true)]
    [InlineData("client.Dockerfile", false)]
    public async Task Only_the_gpu_silo_publishes_onnx_runtimes_cuda_provider(string name, bool cuda)
    {
        var build = await PublishBuildStageAsync(Dockerfile.Load(name));

        // Every image runs ONNX Runtime (ResNet18 embeds on any host); only the gpu silo's build carries CUDA.
        Assert.True(build.Exists("libonnxruntime.so"), $"{name}: ONNX Runtime's native library is not published");
        Assert.True(
            build.Exists("libonnxruntime_providers_cuda.so") == cuda,
            $"{name}: the publish output {(cuda ? "lacks" : "holds")} ONNX Runtime's CUDA provider libonnxruntime_providers_cuda.so");
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_image_runs_as_a_numeric_non_root_user(string name)
    {
        var user = Dockerfile.Load(name).Final.Instructions.LastOrDefault(i => i.Keyword == "USER");

        Assert.NotNull(user);
        // Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
        var uid = user.Arguments.Split(':')[0];
        Assert.Matches(@"^\d+$", uid);
        Assert.NotEqual("0", uid);
    }

    /// <summary>Publishes the stage COPY --from names, with the Dockerfile's own <c>dotnet publish</c> arguments.</summary>
    private async Task<PublishedStage> PublishBuildStageAsync(Dockerfile file)
    {
        var names = file.Copies.Select(c => c.From).OfType<string>().Distinct().ToList();
        var stage = Assert.Single(file.Stages, s => s.Name is not null && names.Contains(s.Name) && s.Instructions.Any(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)));
        var run = stage.Instructions.Single(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));

        // "dotnet publish ARGS" up to the next shell operator; the image's -o /app becomes a temporary folder.
        var command = run.Arguments[run.Arguments.IndexOf("dotnet publish", StringComparison.Ordinal)..];
        command = ShellOperator().Split(command)[0];
        var arguments = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        var output = arguments.FindIndex(a => a is "-o" or "--output");
        Assert.True(output >= 0 && arguments[output + 1] == "/app", $"{file.Name}: the build stage publishes to {(output >= 0 ? arguments[output + 1] : "(no -o)")}, not /app");
        arguments.RemoveAt(output + 1);
        arguments.RemoveAt(output);
        arguments.Remove("--no-restore"); // the image restores in an earlier layer; here publish restores itself
        var directory = await publish.PublishAsync(arguments);

        // Files the stage deletes after publishing ("rm /app/x"): they must exist (rm fails the build otherwise), and
        // are not in the image.
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Removal().Matches(run.Arguments))
        {
            foreach (var path in match.Groups["paths"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var relative = path["/app/".Length..];
                Assert.True(File.Exists(Path.Combine(directory, relative)), $"{file.Name}:{run.Line}: rm {path}, which publish does not produce");
                removed.Add(relative);
            }
        }

        return new PublishedStage(stage, directory, removed);
    }

    /// <summary>The publish-output path of a COPY --from=build source ("/app" or "/app/x").</summary>
    private static string Published(string source, string name, int line)
    {
        var trimmed = source.TrimEnd('/');
        Assert.True(trimmed == "/app" || trimmed.StartsWith("/app/", StringComparison.Ordinal), $"{name}:{line}: COPY --from=build {source} is outside the publish folder /app");
        return trimmed == "/app" ? "" : trimmed["/app/".Length..];
    }

    private static (string Repository, string? Tag) ImageReference(string image)
    {
        var name = image.Split('@')[0];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? (name[..colon], name[(colon + 1)..]) : (name, null);
    }

    [GeneratedRegex(@"\s(&&|\|\||;|\|)\s")]
    private static partial Regex ShellOperator();

    [GeneratedRegex(@"\brm\s+(?:-\w+\s+)*(?<paths>(?:/app/\S+\s*)+)")]
    private static partial Regex Removal();

    private sealed record PublishedStage(Dockerfile.Stage Stage, string Directory, IReadOnlySet<string> Removed)
    {
        /// <summary>Whether the publish output holds <paramref name="relative"/> ("" is the whole folder) and the stage keeps it.</summary>
        public bool Exists(string relative) =>
            !Removed.Contains(relative)
            && (relative.Length == 0 || File.Exists(Path.Combine(Directory, relative)) || System.IO.Directory.Exists(Path.Combine(Directory, relative)));
    }
}

/// <summary>Runs each distinct <c>dotnet publish</c> once for the test class, into a temporary folder, beside the repository's own outputs.</summary>
public sealed class DockerPublishFixture : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-docker-publish-").FullName;
    private readonly Dictionary<string, Task<string>> _published = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string> PublishAsync(IReadOnlyList<string> arguments)
    {
        var key = string.Join(' ', arguments);
        Task<string> publishing;
        lock (_published)
        {
            if (!_published.TryGetValue(key, out publishing!))
            {
                publishing = RunAsync(arguments, Path.Combine(_root, $"publish-{_published.Count}"));
                _published[key] = publishing;
            }
        }

        return await publishing;
    }

    public void Dispose()
    {
        _gate.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder: left for the system to clean when something still holds a file.
        }
    }

    private async Task<string> RunAsync(IReadOnlyList<string> arguments, string output)
    {
        // One publish at a time: they share the artifacts folder (the second reuses the first's builds).
        await _gate.WaitAsync();
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Repository.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "publish" }.Concat(arguments).Concat(["-o", output, "--artifacts-path", Path.Combine(_root, "artifacts"), "--disable-build-servers", "--nologo"]))
            {
                start.ArgumentList.Add(argument);
            }

            // The test host's MSBuild variables would point the child build at the wrong SDK pieces.
            foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(variable);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start)!;
            var log = new StringBuilder();
            var reading = Task.WhenAll(Pump(process.StandardOutput, log), Pump(process.StandardError, log));
            using var deadline = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet publish {string.Join(' ', arguments)} took longer than {Timeout}");
            }

            await reading;
            if (process.ExitCode != 0)
            {
                var tail = string.Join('\n', log.ToString().Split('\n').TakeLast(40));
                throw new InvalidOperationException($"dotnet publish {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{tail}");
            }

            return output;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task Pump(StreamReader reader, StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}

/// <summary>The repository the tests run from, and its files as the Docker build context sees them.</summary>
internal static class Repository
{
    public static string Root => RepositoryRoot.Path;

    /// <summary>Repository paths ('/'-separated, relative) a COPY source names: itself when it exists, or the matches of its wildcards.</summary>
    public static IReadOnlyList<string> Match(string source)
    {
        var relative = source.TrimStart('/').TrimEnd('/');
        if (relative is "" or ".")
        {
            return ["."];
        }

        if (relative.IndexOfAny(['*', '?', '[']) < 0)
        {
            var path = Path.Combine(Root, relative);
            return File.Exists(path) || Directory.Exists(path) ? [relative] : [];
        }

        var pattern = new Regex(DockerIgnore.ToRegex(relative));
        return Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => pattern.IsMatch(p))
            .ToList();
    }
}

internal static class Posix
{
    /// <summary>Joins image paths the way WORKDIR and COPY do: an absolute <paramref name="path"/> replaces <paramref name="folder"/>.</summary>
    public static string Combine(string folder, string path)
    {
        if (path.StartsWith('/'))
        {
            return Normalize(path);
        }

        return Normalize(folder.TrimEnd('/') + "/" + path);
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }
}

/// <summary>The patterns of a .dockerignore: a path is excluded when the last pattern matching it (or a folder above it) is not a "!" exception.</summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _patterns;

    private DockerIgnore(List<(Regex, bool)> patterns) => _patterns = patterns;

    public static DockerIgnore Load(string path)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exception = line.StartsWith('!');
            var pattern = (exception ? line[1..] : line).Trim().TrimStart('/').TrimEnd('/');
            patterns.Add((new Regex(ToRegex(pattern)), exception));
        }

        return new DockerIgnore(patterns);
    }

    public bool Excludes(string relative)
    {
        // The path and each folder above it: excluding a folder excludes what it holds.
        var parts = relative.Split('/');
        var candidates = Enumerable.Range(1, parts.Length).Select(n => string.Join('/', parts.Take(n))).ToList();
        var excluded = false;
        foreach (var (pattern, exception) in _patterns)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                excluded = !exception;
            }
        }

        return excluded;
    }

    /// <summary>A Docker path pattern as an anchored regex: ** any folders, * and ? within one path segment.</summary>
    public static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append('$').ToString();
    }
}

/// <summary>The instructions of a Dockerfile by stage (continuation lines joined, comments dropped) and its COPY instructions.</summary>
internal sealed class Dockerfile
{
    public sealed record Instruction(string Keyword, string Arguments, int Line);

    public sealed record Stage(int Index, string Image, string? Name, int Line, IReadOnlyList<Instruction> Instructions)
    {
        /// <summary>The working folder an instruction of this stage at <paramref name="line"/> runs in.</summary>
        public string WorkDirAt(int line) =>
            Instructions.Where(i => i.Keyword == "WORKDIR" && i.Line < line).Aggregate("/", (folder, i) => Posix.Combine(folder, i.Arguments.Trim()));
    }

    /// <param name="From">The --from stage (or image), null for the build context.</param>
    /// <param name="WorkDir">The stage's working folder at this COPY (relative destinations start there).</param>
    public sealed record Copy(int Stage, string? From, IReadOnlyList<string> Sources, string Destination, string WorkDir, int Line);

    private Dockerfile(string name, IReadOnlyList<Stage> stages)
    {
        Name = name;
        Stages = stages;
        Copies = stages.SelectMany(s => s.Instructions.Where(i => i.Keyword is "COPY" or "ADD").Select(i => ParseCopy(s, i))).ToList();
    }

    public string Name { get; }

    public IReadOnlyList<Stage> Stages { get; }

    public Stage Final => Stages[^1];

    public IReadOnlyList<Copy> Copies { get; }

    public static Dockerfile Load(string name) => Parse(name, File.ReadAllText(Path.Combine(Repository.Root, "deploy", "docker", name)));

    public static Dockerfile Parse(string name, string text)
    {
        var stages = new List<Stage>();
        List<Instruction>? current = null;
        foreach (var instruction in Instructions(text))
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                var stageName = words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                current = [];
                stages.Add(new Stage(stages.Count, words[0], stageName, instruction.Line, current));
            }
            else if (current is not null)
            {
                current.Add(instruction);
            }
            else if (instruction.Keyword != "ARG")
            {
                throw new FormatException($"{name}:{instruction.Line}: {instruction.Keyword} before the first FROM");
            }
        }

        return new Dockerfile(name, stages);
    }

    private static IEnumerable<Instruction> Instructions(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        StringBuilder? pending = null;
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('#') || (pending is null && line.Length == 0))
            {
                continue; // comments (also between continuation lines) and parser directives
            }

            if (pending is null)
            {
                pending = new StringBuilder();
                start = i + 1;
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1].TrimEnd()).Append(' ');
                continue;
            }

            pending.Append(line);
            var joined = pending.ToString().Trim();
            pending = null;
            var space = joined.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0
                ? new Instruction(joined.ToUpperInvariant(), "", start)
                : new Instruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), start);
        }
    }

    private static Copy ParseCopy(Stage stage, Instruction instruction)
    {
        var text = instruction.Arguments;
        var flags = new List<string>();
        while (text.StartsWith("--", StringComparison.Ordinal))
        {
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            flags.Add(text[..end]);
            text = text[end..].TrimStart();
        }

        var paths = text.StartsWith('[')
            ? JsonSerializer.Deserialize<string[]>(text)!
            : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (paths.Length < 2)
        {
            throw new FormatException($"{instruction.Keyword} at line {instruction.Line} needs a source and a destination");
        }

        var from = flags.Where(f => f.StartsWith("--from=", StringComparison.Ordinal)).Select(f => f["--from=".Length..]).SingleOrDefault();
        return new Copy(stage.Index, from, paths[..^1], paths[^1], stage.WorkDirAt(instruction.Line), instruction.Line);
    }
}
