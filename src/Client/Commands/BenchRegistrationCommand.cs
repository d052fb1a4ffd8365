using System.CommandLine;
using System.Globalization;
using SamMpa.Client.Console;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa bench-registration`: do parallel registrations keep every core busy?</summary>
internal static class BenchRegistrationCommand
{
    public static Command Create()
    {
        var images = CommonOptions.Images();
        var masks = CommonOptions.Masks();
        var pairs = new Option<int>("--pairs")
        {
            Description = "Support-to-query registrations in each phase.",
            DefaultValueFactory = _ => 40,
        };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Rounds of (one at a time, then in parallel), alternated so that drift in machine speed hits both phases.",
            DefaultValueFactory = _ => 3,
        };
        var parallel = CommonOptions.Parallelism();
        var parameterFiles = CommonOptions.ParameterFiles();
        var timeout = CommonOptions.RegistrationTimeout();
        var elastix = CommonOptions.Elastix();

        var command = new Command(
            "bench-registration",
            "Register the same pairs one at a time, then in parallel, and compare the wall time with the ideal sum / cores.")
        {
            images, masks, pairs, rounds, parallel, parameterFiles, timeout, elastix,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await CommandErrors.RunAsync(parse, cancellationToken, async () =>
            {
                var options = CommonOptions.ToRegistrationOptions(
                    parse.GetValue(parallel), parse.GetValue(parameterFiles), parse.GetValue(timeout), parse.GetValue(elastix)!);
                var result = await ProgressDisplay.RunAsync(progress => new RegistrationBenchmark(options, progress).RunAsync(
                    parse.GetValue(images)!.FullName, parse.GetValue(masks)!.FullName, parse.GetValue(pairs), Math.Max(1, parse.GetValue(rounds)), 256, cancellationToken));
                var invariant = CultureInfo.InvariantCulture;
                System.Console.WriteLine(string.Create(invariant, $"registrations per phase    {result.Pairs}"));
                System.Console.WriteLine(string.Create(invariant, $"single registrations, sum  {result.SingleSecondsSum:F2} s ({result.SingleSecondsSum / result.Pairs:F3} s each)"));
                System.Console.WriteLine(string.Create(invariant, $"parallel wall ({result.Parallelism} at once)  {result.ParallelWallSeconds:F2} s"));
                System.Console.WriteLine(string.Create(invariant, $"wall / (sum / {result.Parallelism})          {result.Overhead:F3}"));
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
