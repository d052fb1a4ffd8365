using SamMpa.Client.Commands;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Client;

/// <summary>
/// `sammpa ingest --dicomweb`'s and `eval --dicomweb`'s options refused before anything is sent, each naming the option; a server that cannot
/// be reached is named by its URL; credentials never appear in what the command prints.
/// </summary>
public sealed class DicomWebCommandOptionsTests : IDisposable
{
    private const string Password = "pw-not-to-be-shown";
    private const string Token = "token-not-to-be-shown";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_selection_option_without_dicomweb_is_refused_naming_it()
    {
        var refused = await InvokeAsync(["ingest", "--dataset", "d1", "--images", _folder.Path, "--study", "1.2.3"]);

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains("--study only go(es) with --dicomweb URL", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dicomweb_with_images_is_refused_naming_both()
    {
        var refused = await InvokeAsync(["ingest", "--dataset", "d1", "--dicomweb", "http://127.0.0.1:1/dicom-web/", "--study", "1.2.3", "--images", _folder.Path]);

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains("--dicomweb with --images", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_selected_and_two_kinds_of_credentials_are_refused_without_printing_them()
    {
        var refused = await InvokeAsync([
            "ingest", "--dataset", "d1", "--dicomweb", "http://127.0.0.1:1/dicom-web/",
            "--dicomweb-user", "u", "--dicomweb-password", Password, "--dicomweb-token", Token]);

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains("nothing selected", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--dicomweb-user and --dicomweb-token are both set", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, refused.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, refused.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_named_by_its_url_and_the_password_is_not_shown()
    {
        var nowhere = $"http://127.0.0.1:{Infrastructure.FreePorts.Take(1)[0]}/dicom-web/";

        var failed = await InvokeAsync(["ingest", "--dataset", "d1", "--dicomweb", nowhere, "--study", "1.2.3", "--dicomweb-user", "u", "--dicomweb-password", Password]);

        Assert.Equal(ExitCodes.InvalidInput, failed.Exit);
        Assert.Contains($"QIDO-RS GET {nowhere}studies/1.2.3/instances", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failed.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Eval_takes_one_source_of_images(bool both)
    {
        string[] source = both ? ["--images", _folder.Path, "--dicomweb", "http://127.0.0.1:1/dicom-web/", "--study", "1.2.3"] : [];

        var refused = await InvokeAsync(["eval", "--masks", _folder.Path, "--out", Path.Combine(_folder.Path, "out"), .. source]);

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains("Give --images DIR, or --dicomweb URL with --study, --series or --query: one source of images.", refused.Error, StringComparison.Ordinal);
    }

    private static Task<CommandInvocation> InvokeAsync(string[] args) => CommandInvocation.RunAsync(args);
}
