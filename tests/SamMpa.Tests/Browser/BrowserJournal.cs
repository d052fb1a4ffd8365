using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;

namespace SamMpa.Tests.Browser;

/// <summary>
/// What a page did, for the failure message of a browser test: its navigations, every request with its status or
/// failure, its console and its uncaught errors, each with the time since the journal began. A timeout alone ("waiting
/// for navigation") says nothing of why; this says which request was answered how, and what the page showed.
/// </summary>
internal sealed class BrowserJournal
{
    private const int Shown = 60;

    private readonly ConcurrentQueue<string> _entries = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public BrowserJournal(IPage page)
    {
        page.FrameNavigated += (_, frame) => { if (frame.ParentFrame is null) Add($"navigated to {frame.Url}"); };
        page.Request += (_, request) => Add($"{request.Method} {request.Url}");
        page.Response += (_, response) => Add($"{response.Status} {response.Request.Method} {response.Url}");
        page.RequestFailed += (_, request) => Add($"failed {request.Method} {request.Url}: {request.Failure}");
        page.Console += (_, message) =>
        {
            Add($"console {message.Type}: {message.Text}");
            if (message.Type == "error")
            {
                _errors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) =>
        {
            Add($"page error: {error}");
            _errors.Enqueue(error);
        };
    }

    /// <summary>The page's console errors and uncaught errors so far.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Where the page is, the error it shows (if any), and the journal's last entries.</summary>
    public async Task<string> DescribeAsync(IPage page)
    {
        string shown;
        try
        {
            var error = page.Locator("#error");
            shown = await error.IsVisibleAsync() ? await error.InnerTextAsync(new LocatorInnerTextOptions { Timeout = 2000 }) : "(none)";
        }
        catch (PlaywrightException unreadable)
        {
            shown = $"(unreadable: {unreadable.Message})";
        }

        var entries = _entries.ToArray();
        var skipped = Math.Max(0, entries.Length - Shown);
        return $"the page is at {page.Url}; the error it shows: {shown}; "
            + $"its last {entries.Length - skipped} of {entries.Length} events:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", entries.Skip(skipped));
    }

    private void Add(string entry) => _entries.Enqueue($"{_clock.Elapsed.TotalSeconds,7:F2} s  {entry}");
}
