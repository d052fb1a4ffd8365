using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// The retries of one dataset's job, through Polly: an image call that threw (a timeout, a silo gone) is tried again up
/// to <c>Job:MaxAttempts</c> times with linear backoff and jitter, each retry one log line and one
/// <c>sammpa.job.retries</c> count; a publish likewise; a phase that hits an unexpected error is tried again from the
/// stored state up to <c>Job:MaxPhaseAttempts</c> times. Cancellation is never retried.
/// </summary>
public sealed class JobResilience
{
    private static readonly ResiliencePropertyKey<string> What = new("sammpa.what");
    private static readonly ResiliencePropertyKey<string> Stage = new("sammpa.stage");
    private static readonly ResiliencePropertyKey<TaskScheduler> Scheduler = new("sammpa.scheduler");

    private readonly ResiliencePipeline _calls;
    private readonly ResiliencePipeline _phases;

    public JobResilience(string dataset, JobOptions options, SamMpaMetrics metrics, ILogger logger, Func<Exception, ValueTask>? beforePhaseRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _calls = Retry(options.MaxAttempts, options.RetryDelay, maxDelay: null, args =>
        {
            var exception = args.Outcome.Exception!;
            metrics.JobRetried(args.Context.Properties.GetValue(Stage, "job"), exception);
            logger.LogWarning(
                "Dataset {Dataset}: {What} attempt {Attempt} failed ({Reason}); retrying",
                dataset, args.Context.Properties.GetValue(What, "a call"), args.AttemptNumber + 1, ImageError.OneLine(exception.Message));
            return ValueTask.CompletedTask;
        });
        _phases = Retry(options.MaxPhaseAttempts, options.RetryDelay, maxDelay: TimeSpan.FromMinutes(1), async args =>
        {
            var exception = args.Outcome.Exception!;
            logger.LogError(
                "Dataset {Dataset}: {What} failed (attempt {Attempt}: {Reason}); trying again from the stored state",
                dataset, args.Context.Properties.GetValue(What, "the job"), args.AttemptNumber + 1, ImageError.OneLine(exception.Message));
            if (beforePhaseRetry is not null)
            {
                await OnScheduler(args.Context.Properties.GetValue(Scheduler, TaskScheduler.Default), () => beforePhaseRetry(exception).AsTask());
            }
        });
    }

    /// <summary>Runs one call of <paramref name="stage"/> about <paramref name="what"/> (an image, an event), retried; throws after the last attempt.</summary>
    public Task CallAsync(string stage, string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(_calls, stage, what, call, cancellationToken);

    /// <summary>Runs a phase, retried from the stored state; throws after the last attempt.</summary>
    public Task PhaseAsync(string what, Func<CancellationToken, Task> phase, CancellationToken cancellationToken) =>
        RunAsync(_phases, "phase", what, phase, cancellationToken);

    private static async Task RunAsync(ResiliencePipeline pipeline, string stage, string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Stage, stage);
        context.Properties.Set(What, what);
        // Polly resumes its retries on the thread pool; a grain's calls and state must stay on the grain's scheduler.
        var scheduler = TaskScheduler.Current;
        context.Properties.Set(Scheduler, scheduler);
        try
        {
            await pipeline.ExecuteAsync(
                static async (ctx, state) => await OnScheduler(state.Scheduler, () => state.Call(ctx.CancellationToken)),
                context,
                (Call: call, Scheduler: scheduler));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Retries anything but the caller's cancellation, linear backoff with jitter, <paramref name="attempts"/> in all.</summary>
    private static ResiliencePipeline Retry(int attempts, TimeSpan delay, TimeSpan? maxDelay, Func<OnRetryArguments<object>, ValueTask> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome.Exception, args.Context.CancellationToken)),
                MaxRetryAttempts = Math.Max(0, attempts - 1),
                BackoffType = DelayBackoffType.Linear,
                Delay = delay,
                MaxDelay = maxDelay,
                UseJitter = true,
                OnRetry = onRetry,
            })
            .Build();

    /// <summary>Runs <paramref name="work"/> on <paramref name="scheduler"/> (at once when already there).</summary>
    private static Task OnScheduler(TaskScheduler scheduler, Func<Task> work) =>
        TaskScheduler.Current == scheduler
            ? work()
            : Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

    private static bool IsRetryable(Exception? exception, CancellationToken cancellationToken) =>
        exception is not null and not PhaseAttemptsExhaustedException
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
