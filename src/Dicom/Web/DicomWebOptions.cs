namespace SamMpa.Dicom.Web;

/// <summary>
/// Where a DICOMweb server is and how to talk to it: the service root (QIDO-RS, WADO-RS and STOW-RS paths are
/// relative to it), basic authentication or a bearer token, a time limit per request and size limits. Settable from
/// configuration (section "DicomWeb"); <see cref="Problems"/> names every unusable value.
/// </summary>
public sealed record DicomWebOptions
{
    public const string SectionName = "DicomWeb";

    /// <summary>The service root URL, e.g. http://127.0.0.1:8042/dicom-web/ (Orthanc's DICOMweb plugin).</summary>
    public string ServiceRoot { get; init; } = "";

    /// <summary>The user of HTTP basic authentication; empty for none.</summary>
    public string UserName { get; init; } = "";

    public string Password { get; init; } = "";

    /// <summary>An OAuth bearer token sent as "Authorization: Bearer"; empty for none (not with basic authentication).</summary>
    public string BearerToken { get; init; } = "";

    /// <summary>The longest one request may take, the response body included (a retrieved instance is written meanwhile).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The largest instance a retrieve writes; a larger one is abandoned (and its partial file removed).</summary>
    public long MaxInstanceBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How many matches one QIDO-RS request asks for (limit) when every match is wanted (a series retrieve).</summary>
    public int PageSize { get; init; } = 200;

    /// <summary>The service root as a URL ending in '/', so relative paths resolve below it.</summary>
    internal Uri ServiceRootUri => new(ServiceRoot.EndsWith('/') ? ServiceRoot : ServiceRoot + "/", UriKind.Absolute);

    /// <summary>Every value that cannot be used, each naming its setting; empty when all can.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ServiceRoot))
        {
            problems.Add($"{SectionName}:{nameof(ServiceRoot)} is empty; set the server's DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web/");
        }
        else if (!Uri.TryCreate(ServiceRoot, UriKind.Absolute, out var root) || (root.Scheme != Uri.UriSchemeHttp && root.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{SectionName}:{nameof(ServiceRoot)} '{ServiceRoot}' is not an absolute http or https URL");
        }
        else if (!string.IsNullOrEmpty(root.Query) || !string.IsNullOrEmpty(root.Fragment))
        {
            problems.Add($"{SectionName}:{nameof(ServiceRoot)} '{ServiceRoot}' has a query or fragment; give the root path only");
        }

        if (!string.IsNullOrEmpty(UserName) && !string.IsNullOrEmpty(BearerToken))
        {
            problems.Add($"{SectionName}:{nameof(UserName)} and {SectionName}:{nameof(BearerToken)} are both set; use basic authentication or a bearer token, not both");
        }

        if (string.IsNullOrEmpty(UserName) && !string.IsNullOrEmpty(Password))
        {
            problems.Add($"{SectionName}:{nameof(Password)} is set without {SectionName}:{nameof(UserName)}");
        }

        if (UserName.Contains(':', StringComparison.Ordinal))
        {
            problems.Add($"{SectionName}:{nameof(UserName)} contains ':', which basic authentication cannot carry");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:{nameof(Timeout)} is {Timeout}; it must be positive");
        }

        if (MaxInstanceBytes <= 0)
        {
            problems.Add($"{SectionName}:{nameof(MaxInstanceBytes)} is {MaxInstanceBytes}; it must be positive");
        }

        if (PageSize <= 0)
        {
            problems.Add($"{SectionName}:{nameof(PageSize)} is {PageSize}; it must be positive");
        }

        return problems;
    }
}
