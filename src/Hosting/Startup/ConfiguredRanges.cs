using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;
using SamMpa.Imaging.Registration;

namespace SamMpa.Hosting.Startup;

/// <summary>
/// The allowed ranges of the silo's numeric settings ("Job", "Images", "Webhooks", "Registration"), checked when the silo starts:
/// a bad value stops it with the setting's name and range instead of turning into an allocation, a hang or a retry
/// without end at the first dataset.
/// </summary>
public static class ConfiguredRanges
{
    public static IEnumerable<string> Problems(JobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = JobOptions.Section;
        return new[]
        {
            Check($"{s}:{nameof(options.MaxInFlight)}", options.MaxInFlight, 1, 4096),
            Check($"{s}:{nameof(options.CallsPerRegistrationSlot)}", options.CallsPerRegistrationSlot, 1, 64),
            Check($"{s}:{nameof(options.QueueAllowance)}", options.QueueAllowance, TimeSpan.Zero, TimeSpan.FromDays(1)),
            // Bounded: a phase that keeps failing ends in a failed dataset with its reason, not in retries for ever.
            Check($"{s}:{nameof(options.MaxPhaseAttempts)}", options.MaxPhaseAttempts, 1, 1000),
            Check($"{s}:{nameof(options.CheckpointEvery)}", options.CheckpointEvery, 1, 1_000_000),
            Check($"{s}:{nameof(options.ReminderPeriod)}", options.ReminderPeriod, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)),
            Check($"{s}:{nameof(options.ReminderRefreshPeriod)}", options.ReminderRefreshPeriod, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            Check($"{s}:{nameof(options.RetryDelay)}", options.RetryDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)),
            Check($"{s}:{nameof(options.MaxAttempts)}", options.MaxAttempts, 1, 100),
            Check($"{s}:{nameof(options.MaxSelectionBytes)}", options.MaxSelectionBytes, 1L << 20, long.MaxValue),
        }.OfType<string>();
    }

    public static IEnumerable<string> Problems(ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = ImageOptions.Section;
        return new[]
        {
            // The smallest image the decoders take, up to what one array of pixels can hold.
            Check($"{s}:{nameof(options.MaxPixels)}", options.MaxPixels, (long)SamMpa.Imaging.Images.ImageLimits.MinimumSide * SamMpa.Imaging.Images.ImageLimits.MinimumSide, int.MaxValue),
            Check($"{s}:{nameof(options.MaxBlobBytes)}", options.MaxBlobBytes, 1, int.MaxValue),
        }.OfType<string>();
    }

    public static IEnumerable<string> Problems(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = WebhookOptions.Section;
        return new[]
        {
            Check($"{s}:{nameof(options.FirstRetryDelay)}", options.FirstRetryDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)),
            Check($"{s}:{nameof(options.MaxRetryDelay)}", options.MaxRetryDelay, options.FirstRetryDelay, TimeSpan.FromDays(1)),
            Check($"{s}:{nameof(options.MaxAttempts)}", options.MaxAttempts, 1, 1000),
            Check($"{s}:{nameof(options.MaxAge)}", options.MaxAge, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)),
            Check($"{s}:{nameof(options.AttemptTimeout)}", options.AttemptTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
            Check($"{s}:{nameof(options.DeliveryLogSize)}", options.DeliveryLogSize, 1, 100_000),
            Check($"{s}:{nameof(options.DeduplicationWindow)}", options.DeduplicationWindow, 1, 1_000_000),
            Check($"{s}:{nameof(options.MaxSubscriptions)}", options.MaxSubscriptions, 1, 1000),
        }.OfType<string>();
    }

    public static IEnumerable<string> Problems(RegistrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = "Registration";
        return new[]
        {
            Check($"{s}:{nameof(options.Timeout)}", options.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            Check($"{s}:{nameof(options.MaxDegreeOfParallelism)}", options.MaxDegreeOfParallelism, 1, 1024),
            Check($"{s}:{nameof(options.StaleWorkFolderAge)}", options.StaleWorkFolderAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365)),
            options.ParameterFiles.Count == 0 ? $"{s}:{nameof(options.ParameterFiles)} is empty: give at least one elastix parameter file." : null,
        }.OfType<string>();
    }

    /// <summary>Throws naming every setting out of its range, when any is.</summary>
    public static T Require<T>(T options, Func<T, IEnumerable<string>> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var found = problems(options).ToArray();
        return found.Length == 0 ? options : throw new OptionsValidationException(typeof(T).Name, typeof(T), found);
    }

    private static string? Check(string setting, long value, long min, long max) =>
        value < min || value > max ? $"{setting} is {value}: allowed {min}..{max}." : null;

    private static string? Check(string setting, TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min || value > max ? $"{setting} is {value:c}: allowed {min:c}..{max:c}." : null;
}

/// <summary>Options validation from a list of problems (<see cref="ConfiguredRanges"/>), each naming its setting.</summary>
internal sealed class RangeValidation<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var found = problems(options).ToArray();
        return found.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}
