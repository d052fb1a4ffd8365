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
            .Parse(["eval", "--images", images, "--masks", masks, "--out", output, "--cache", Path.Combine(_root, "cache")])
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
}
