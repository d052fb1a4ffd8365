using System.CommandLine;
using SamMpa.Imaging.Sam;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa sam-fixture`: a small SAM model package built by our own code, to smoke-test an installation.</summary>
internal static class SamFixtureCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder to write encoder.onnx, decoder.onnx and sam.json into.",
            Required = true,
        };
        var command = new Command(
            "sam-fixture",
            "Write a stand-in SAM package (official input and output signatures, analytic decoder, no weights) and check that it loads.")
        {
            output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await CommandErrors.RunAsync(parse, cancellationToken, () =>
            {
                var directory = parse.GetValue(output)!.FullName;
                SamFixtureBuilder.WritePackage(directory);
                using var package = SamPackage.Load(directory);
                System.Console.WriteLine($"wrote a SAM fixture package to {package.Directory} (encoder {Path.GetFileName(package.EncoderPath)}, decoder {Path.GetFileName(package.DecoderPath)}); it loads and matches its sam.json");
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return command;
    }
}
