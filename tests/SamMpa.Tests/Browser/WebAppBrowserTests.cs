using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Imaging.Images;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Gateway;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Browser;

/// <summary>
/// The web app in a real Chromium against the gateway on a loopback port: sign in with a key, outline the supports with
/// the polygon and the brush, save, run, watch the progress reach 100 %, review the overlays, correct a query and
/// promote it, and re-run. Each annotation the server decodes is pixel for pixel the mask the page drew. The screenshots it takes are the README's
/// (SAMMPA_UPDATE_SCREENSHOTS=1 writes them to docs/screenshots). And an upload from the home page with a DICOM file
/// the gateway cannot import: the page names it and links the dataset made of the rest.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class WebAppBrowserTests(GatewayFixture gateway)
{
    private static readonly float Timeout = (float)PipelineFlow.Patience.TotalMilliseconds;

    [ChromiumFact]
    public Task A_person_signs_in_outlines_the_supports_runs_reviews_and_promotes_a_query_in_the_browser() =>
        InBrowserAsync(async (page, baseAddress) => await SignInOutlineRunReviewAndPromoteAsync(page, baseAddress, await SelectedDatasetAsync()));

    [ChromiumFact]
    public Task An_upload_with_a_dicom_file_the_gateway_cannot_import_names_it_and_links_the_dataset() =>
        InBrowserAsync(async (page, baseAddress) =>
        {
            using var phantoms = new Evaluation.PhantomDataset(2);
            using var folder = new Images.TempFolder();
            var broken = folder.File("broken.dcm");
            await File.WriteAllBytesAsync(broken, [1, 2, 3]);
            var dataset = PipelineFlow.NewDatasetId();

            await page.GotoAsync($"{baseAddress}/app/index.html");
            await page.FillAsync("#key", GatewayKeys.Admin);
            await page.ClickAsync("#key-form button");
            await page.FillAsync("#upload-id", dataset);
            await page.FillAsync("#upload-size", "64");
            await page.SetInputFilesAsync("#upload-images", [.. Directory.GetFiles(phantoms.ImagesDirectory), broken]);
            await page.ClickAsync("#upload-form button[type=submit]");

            await page.WaitForSelectorAsync("#error:has-text('1 files not ingested: broken.dcm: ')");
            Assert.Equal($"dataset.html?id={dataset}", await page.GetAttributeAsync("#upload-state a", "href"));
            Assert.Equal(2, (await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync()).Images);
        });

    /// <summary>
    /// Runs <paramref name="steps"/> in a headless Chromium against the gateway on a loopback port; a failure names where
    /// the page is, what it shows and did, and what the gateway logged. The page's console must stay free of errors.
    /// </summary>
    private async Task InBrowserAsync(Func<IPage, string, Task> steps)
    {
        var serverLog = new ServerLog();
        var (site, address) = gateway.StartOnLoopback(serverLog);
        await using var _ = site;
        var baseAddress = address.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Executable,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(Timeout);
        var journal = new BrowserJournal(page);
        try
        {
            await steps(page, baseAddress);
        }
        catch (Exception failed) when (failed is not Xunit.Sdk.XunitException)
        {
            throw new TimeoutException(
                $"{failed.Message}{Environment.NewLine}{await journal.DescribeAsync(page)}{Environment.NewLine}{serverLog.Describe()}", failed);
        }

        Assert.True(journal.Errors.Count == 0, $"expected no errors in the page's console, got: {string.Join(" | ", journal.Errors)}");
    }

    private async Task SignInOutlineRunReviewAndPromoteAsync(IPage page, string baseAddress, string dataset)
    {
        // Sign in, then straight to the annotation page the sign-in was asked for.
        await page.GotoAsync($"{baseAddress}/app/annotate.html?id={dataset}");
        await page.FillAsync("#key", GatewayKeys.Admin);
        await page.ClickAsync("#key-form button");
        await AtAsync(page, $"annotate.html?id={dataset}");
        await page.WaitForFunctionAsync("() => window.sammpaAnnotation && window.sammpaAnnotation.ready()");

        // Support 1: a polygon around the target (as a person traces it: corners on its outline), then a brush stroke
        // through its middle.
        var first = await page.EvaluateAsync<string>("() => window.sammpaAnnotation.image()");
        var (outline, centre) = await OutlineOfTruthAsync(dataset, first);
        await DrawPolygonAsync(page, outline);
        await page.Keyboard.PressAsync("b");
        await StrokeAsync(page, [(centre.X - 4, centre.Y), (centre.X, centre.Y + 2), (centre.X + 4, centre.Y)]);
        var drawn = await page.EvaluateAsync<int[]>("() => window.sammpaAnnotation.mask()");
        await SaveAsync(page);
        await AssertSavedAsync(dataset, first, drawn);
        await ScreenshotAsync(page, "annotate.png");

        // Support 2: the next one, a polygon only.
        await page.Keyboard.PressAsync("n");
        await page.WaitForFunctionAsync($"() => window.sammpaAnnotation.image() !== '{first}' && window.sammpaAnnotation.ready()");
        var second = await page.EvaluateAsync<string>("() => window.sammpaAnnotation.image()");
        await DrawPolygonAsync(page, (await OutlineOfTruthAsync(dataset, second)).Corners);
        var drawnSecond = await page.EvaluateAsync<int[]>("() => window.sammpaAnnotation.mask()");
        await SaveAsync(page);
        await AssertSavedAsync(dataset, second, drawnSecond);
        await page.WaitForSelectorAsync("#phase:has-text('Annotated')");

        // Run from the dataset page and watch the progress, which the event stream drives, reach 100 %.
        await page.GotoAsync($"{baseAddress}/app/dataset.html?id={dataset}");
        await page.SelectOptionAsync("#stages", "mp");
        await page.ClickAsync("#run-form button[type=submit]");
        await page.WaitForSelectorAsync("#percent:has-text('100 %')");
        await page.WaitForSelectorAsync("#phase:has-text('Completed')");
        await ScreenshotAsync(page, "dataset.png");

        // Review: a tile per query, its overlay loaded, the detail view opens.
        await page.GotoAsync($"{baseAddress}/app/review.html?id={dataset}");
        var queries = PipelineFlow.ImageCount - PipelineFlow.K;
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('.tile img[src^=\"blob:\"]').length === {queries}");
        await ScreenshotAsync(page, "review.png");
        var images = await DatasetFiles.ReadImagesAsync(gateway.Cluster.Blobs, dataset, PipelineFlow.ImageCount, default);
        var selection = await DatasetFiles.ReadSelectionAsync(gateway.Cluster.Blobs, dataset, default);
        var encoder = (await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync()).Encoder!;
        var promoted = await GatewayPromotionTests.QueryThatMovesAnotherAsync(gateway.Cluster.Blobs, dataset, encoder, images, selection.Supports);
        await page.ClickAsync($".tile[data-image='{promoted}']");
        await page.WaitForSelectorAsync("#detail-image[src^='blob:']");

        // Correct and promote: the editor starts from the query's final mask; a brush stroke corrects it, and Promote
        // makes it a support. Re-run from the dataset page: only the queries whose nearest support changed.
        await page.ClickAsync("#detail-promote");
        await AtAsync(page, $"annotate.html?id={dataset}&promote={promoted}");
        await page.WaitForFunctionAsync("() => window.sammpaAnnotation && window.sammpaAnnotation.ready()");
        Assert.Equal(promoted, await page.EvaluateAsync<string>("() => window.sammpaAnnotation.image()"));
        var (_, promotedCentre) = await OutlineOfTruthAsync(dataset, promoted);
        await page.Keyboard.PressAsync("b");
        await StrokeAsync(page, [(promotedCentre.X - 3, promotedCentre.Y - 3), (promotedCentre.X + 3, promotedCentre.Y + 3)]);
        var corrected = await page.EvaluateAsync<int[]>("() => window.sammpaAnnotation.mask()");
        await ScreenshotAsync(page, "promote.png");
        await page.Keyboard.PressAsync("s");
        await AtAsync(page, $"dataset.html?id={dataset}");
        await page.WaitForSelectorAsync("#phase:has-text('Annotated')");
        await AssertSavedAsync(dataset, promoted, corrected);
        await page.SelectOptionAsync("#stages", "mp");
        await page.ClickAsync("#run-form button[type=submit]");
        await page.WaitForSelectorAsync("#phase:has-text('Completed')");
        await page.WaitForSelectorAsync("#percent:has-text('100 %')");
        var report = DatasetReport.Deserialize((await gateway.Cluster.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default))!);
        Assert.True(report.PartialOf is not null, "expected the run after the promotion to re-segment only the queries whose nearest support changed");
        Assert.Contains(promoted, report.Supports);
        Assert.DoesNotContain(promoted, report.Outcomes.Select(e => e.Image));
    }

    private async Task<string> SelectedDatasetAsync()
    {
        var dataset = PipelineFlow.NewDatasetId();
        using (var phantoms = new Evaluation.PhantomDataset(PipelineFlow.ImageCount))
        {
            await PipelineFlow.UploadAsync(gateway.Cluster.Blobs, dataset, phantoms);
        }

        var status = await PipelineFlow.SelectAsync(gateway.Cluster.Client, dataset);
        Assert.Equal(DatasetPhase.AwaitingAnnotations, status.Phase);
        return dataset;
    }

    /// <summary>
    /// Corners on the outline of the image's ground truth (the last target pixel along 24 rays from its centre), and
    /// that centre: what a person clicking around the target would give.
    /// </summary>
    private async Task<((int X, int Y)[] Corners, (int X, int Y) Centre)> OutlineOfTruthAsync(string dataset, string image)
    {
        var png = await gateway.Cluster.Blobs.ReadAsync(DatasetBlobLayout.Truth(dataset, image), default)
            ?? throw new InvalidOperationException($"expected the ground truth of {image}");
        using var truth = ImageFile.DecodeMask(png, image, ImageLimits.Default);
        double sumX = 0, sumY = 0;
        var count = 0;
        for (var y = 0; y < truth.Height; y++)
        {
            for (var x = 0; x < truth.Width; x++)
            {
                if (truth.Pixels[(y * truth.Width) + x] > 0.5f)
                {
                    (sumX, sumY, count) = (sumX + x, sumY + y, count + 1);
                }
            }
        }

        Assert.True(count > 0, $"expected {image}'s ground truth to hold a target");
        var centre = ((int)(sumX / count), (int)(sumY / count));
        var corners = new (int X, int Y)[24];
        for (var i = 0; i < corners.Length; i++)
        {
            var angle = 2 * Math.PI * i / corners.Length;
            var last = centre;
            for (var r = 1.0; ; r += 0.5)
            {
                var (x, y) = ((int)Math.Round(centre.Item1 + (r * Math.Cos(angle))), (int)Math.Round(centre.Item2 + (r * Math.Sin(angle))));
                if (x < 0 || y < 0 || x >= truth.Width || y >= truth.Height || truth.Pixels[(y * truth.Width) + x] <= 0.5f)
                {
                    break;
                }

                last = (x, y);
            }

            corners[i] = last;
        }

        return (corners, centre);
    }

    /// <summary>
    /// Waits until the page is at /app/<paramref name="pageAndQuery"/>, polling its URL. Not WaitForURL: a navigation
    /// that ends between its first look at the URL and its wait for the next navigation is missed, and it waits on
    /// (CI saw the page at the right URL, fully loaded, after 180 s of waiting).
    /// </summary>
    private static Task AtAsync(IPage page, string pageAndQuery) =>
        Assertions.Expect(page).ToHaveURLAsync(
            new Regex($"/app/{Regex.Escape(pageAndQuery)}$"), new PageAssertionsToHaveURLOptions { Timeout = Timeout });

    private static async Task DrawPolygonAsync(IPage page, (int X, int Y)[] corners)
    {
        await page.Keyboard.PressAsync("p");
        foreach (var (x, y) in corners)
        {
            var at = await ToPageAsync(page, x, y);
            await page.Mouse.ClickAsync(at.X, at.Y);
        }

        await page.Keyboard.PressAsync("Enter");
    }

    private static async Task StrokeAsync(IPage page, (int X, int Y)[] path)
    {
        var start = await ToPageAsync(page, path[0].X, path[0].Y);
        await page.Mouse.MoveAsync(start.X, start.Y);
        await page.Mouse.DownAsync();
        foreach (var (x, y) in path.Skip(1))
        {
            var at = await ToPageAsync(page, x, y);
            await page.Mouse.MoveAsync(at.X, at.Y, new MouseMoveOptions { Steps = 5 });
        }

        await page.Mouse.UpAsync();
    }

    private static async Task SaveAsync(IPage page)
    {
        await page.Keyboard.PressAsync("s");
        await page.WaitForSelectorAsync("#state:text-is('saved')");
    }

    private static async Task<(float X, float Y)> ToPageAsync(IPage page, int x, int y)
    {
        var at = await page.EvaluateAsync<float[]>($"() => {{ const p = window.sammpaAnnotation.toPage({x} + 0.5, {y} + 0.5); return [p.x, p.y]; }}");
        return (at[0], at[1]);
    }

    /// <summary>The annotation blob, decoded as the silos decode it, is the page's mask pixel for pixel, and not empty.</summary>
    private async Task AssertSavedAsync(string dataset, string image, int[] drawn)
    {
        var png = await gateway.Cluster.Blobs.ReadAsync(DatasetBlobLayout.Annotation(dataset, image), default);
        Assert.True(png is not null, $"expected the annotation of {image} to be saved at {DatasetBlobLayout.Annotation(dataset, image)}");
        using var mask = ImageFile.DecodeMask(png, image, ImageLimits.Default);
        Assert.Equal(drawn.Length, mask.Pixels.Length);
        var painted = 0;
        for (var i = 0; i < drawn.Length; i++)
        {
            var saved = mask.Pixels[i] > 0.5f ? 255 : 0;
            Assert.True(saved == drawn[i], $"expected pixel ({i % mask.Width}, {i / mask.Width}) of {image}'s saved annotation to be {drawn[i]} as drawn, got {saved}");
            painted += drawn[i] > 0 ? 1 : 0;
        }

        Assert.True(painted > 100, $"expected the outline of {image} to cover more than 100 pixels, it covers {painted}");
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("SAMMPA_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot.Path, "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name) });
    }
}
