using System.CommandLine;
using SamMpa.Client.Commands;

namespace SamMpa.Tests.Client;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Eval_on_an_empty_folder_exits_with_the_invalid_input_code_and_writes_nothing()
    {
        var images = Directory.CreateDirectory(Path.Combine(_root, "images")).FullName;
        var masks = Directory.CreateDirectory(Path.Combine(_root, "masks")).FullName;
        var output = Path.Combine(_root, "out");

        var exit = await SammpaCommandLine.Build()
            .Parse(["eval", "--images", images, "--masks", masks, "--out", output])
            .InvokeAsync();

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.False(Directory.Exists(output), "no output folder should be created for bad input");
    }

    [Fact]
    public async Task An_unknown_stage_exits_with_the_invalid_input_code()
    {
        var exit = await SammpaCommandLine.Build()
            .Parse(["eval", "--images", _root, "--masks", _root, "--stages", "es,xx", "--out", Path.Combine(_root, "out")])
            .InvokeAsync();

        Assert.Equal(ExitCodes.InvalidInput, exit);
    }

    [Theory]
    [InlineData("es,mp")]
    [InlineData("mp,pa")]
    [InlineData("auto,rf")]
    public async Task Run_takes_only_mask_stages_and_refuses_the_others_before_connecting(string stages)
    {
        var exit = await SammpaCommandLine.Build()
            .Parse(["run", "--dataset", "d1", "--stages", stages, "--settings", Path.Combine(_root, "no-such-settings.json")])
            .InvokeAsync();

        Assert.Equal(ExitCodes.InvalidInput, exit);
    }

    [Fact]
    public async Task Sam_fixture_writes_a_package_that_loads()
    {
        var output = Path.Combine(_root, "sam");

        var exit = await SammpaCommandLine.Build().Parse(["sam-fixture", "--out", output]).InvokeAsync();

        Assert.Equal(ExitCodes.Success, exit);
        Assert.All(new[] { "encoder.onnx", "decoder.onnx", "sam.json" }, file =>
            Assert.True(File.Exists(Path.Combine(output, file)), $"expected {file} in the fixture package"));
    }

    [Fact]
    public void Several_shots_parse_into_one_list()
    {
        var parse = SammpaCommandLine.Build().Parse(["eval", "--images", _root, "--masks", _root, "--shots", "1", "5", "10"]);

        Assert.Empty(parse.Errors);
        Assert.Equal([1, 5, 10], parse.GetValue<int[]>("--shots") ?? []);
    }

    [Theory]
    [InlineData("--device", "cpu")]
    [InlineData("--sam-encoder", "encoder.onnx")]
    [InlineData("--parallel", "2")]
    [InlineData("--elastix-params", "affine.txt")]
    [InlineData("--registration-timeout", "60")]
    [InlineData("--elastix", "/opt/elastix/bin/elastix")]
    [InlineData("--home", "home")]
    public async Task With_cluster_an_option_the_cluster_would_not_get_is_refused_before_connecting(string option, string value)
    {
        var parse = SammpaCommandLine.Build()
            .Parse(["eval", "--images", _root, "--masks", _root, "--cluster", option, value, "--settings", Path.Combine(_root, "no-such-settings.json")]);

        Assert.Empty(parse.Errors);
        Assert.Equal([option], ClusterOptions.GivenButNotForwarded(parse));
        var error = Assert.Throws<ArgumentException>(() => ClusterOptions.RefuseNotForwarded(parse));
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        var standardError = new StringWriter();
        Assert.Equal(ExitCodes.InvalidInput, await parse.InvokeAsync(new InvocationConfiguration { Error = standardError }));
        // The settings file does not exist either: the refusal comes first, before any connection is tried.
        Assert.Contains(option, standardError.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("settings file", standardError.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_left_at_their_defaults_are_not_refused_with_cluster()
    {
        var parse = SammpaCommandLine.Build().Parse(["eval", "--images", _root, "--masks", _root, "--cluster", "--shots", "2"]);

        Assert.Empty(ClusterOptions.GivenButNotForwarded(parse));
        ClusterOptions.RefuseNotForwarded(parse);
    }

    [Fact]
    public void Without_cluster_the_embedded_only_options_are_only_listed_not_refused_by_the_command()
    {
        var parse = SammpaCommandLine.Build().Parse(["eval", "--images", _root, "--masks", _root, "--device", "cpu", "--parallel", "1"]);

        Assert.Equal(["--device", "--parallel"], ClusterOptions.GivenButNotForwarded(parse));
    }
}
