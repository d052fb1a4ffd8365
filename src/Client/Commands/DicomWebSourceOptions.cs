using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Dicom.Import;
using SamMpa.Dicom.Web;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Commands;

/// <summary>
/// `--dicomweb URL` and what goes with it (`--study`, `--series`, `--query KEY=VALUE`, basic authentication or a bearer
/// token): a DICOMweb server as a dataset source. Credentials are only ever sent to the server, never printed.
/// </summary>
internal sealed class DicomWebSourceOptions
{
    private readonly Option<string?> _root = new("--dicomweb")
    {
        Description = "A DICOMweb service root (e.g. http://pacs:8042/dicom-web/): the instances selected by --study, --series and --query are found with QIDO-RS and retrieved with WADO-RS instead of reading --images.",
    };

    private readonly Option<string[]> _studies = new("--study")
    {
        Description = "With --dicomweb: every instance of this study (Study Instance UID); repeatable.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string[]> _series = new("--series")
    {
        Description = "With --dicomweb: every instance of this series (Series Instance UID); repeatable.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string[]> _query = new("--query")
    {
        Description = "With --dicomweb: a QIDO-RS match KEY=VALUE (a keyword such as InstitutionName or Modality, or a tag; DICOM wildcards * and ?); repeatable, all must match. Alone it selects every matching instance; with --study or --series it narrows them.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string?> _user = new("--dicomweb-user") { Description = "With --dicomweb: the user of HTTP basic authentication." };

    private readonly Option<string?> _password = new("--dicomweb-password") { Description = "With --dicomweb-user: the password (never printed)." };

    private readonly Option<string?> _token = new("--dicomweb-token") { Description = "With --dicomweb: an OAuth bearer token (never printed), instead of basic authentication." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _root, _studies, _series, _query, _user, _password, _token })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Whether --dicomweb was given.</summary>
    public bool IsGiven(ParseResult parse) => !string.IsNullOrEmpty(parse.GetValue(_root));

    /// <summary>The server's options and the selection; every unusable value named (credentials by their option only).</summary>
    /// <exception cref="ArgumentException">An option cannot be used.</exception>
    public (DicomWebOptions Server, DicomWebSelection Selection) Read(ParseResult parse)
    {
        var server = new DicomWebOptions
        {
            ServiceRoot = parse.GetValue(_root) ?? "",
            UserName = parse.GetValue(_user) ?? "",
            Password = parse.GetValue(_password) ?? "",
            BearerToken = parse.GetValue(_token) ?? "",
        };
        var query = new DicomWebQuery();
        foreach (var match in parse.GetValue(_query) ?? [])
        {
            var parts = match.Split('=', 2);
            if (parts.Length != 2 || parts[0].Trim().Length == 0)
            {
                throw new ArgumentException($"--query '{match}' is not KEY=VALUE (e.g. InstitutionName=SITEA).");
            }

            query = query.And(parts[0].Trim(), parts[1]);
        }

        var selection = new DicomWebSelection { Studies = parse.GetValue(_studies) ?? [], Series = parse.GetValue(_series) ?? [], Query = query };
        var problems = server.Problems()
            .Select(p => p.Replace($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.ServiceRoot)}", "--dicomweb", StringComparison.Ordinal)
                .Replace($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.UserName)}", "--dicomweb-user", StringComparison.Ordinal)
                .Replace($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.Password)}", "--dicomweb-password", StringComparison.Ordinal)
                .Replace($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.BearerToken)}", "--dicomweb-token", StringComparison.Ordinal))
            .Concat(selection.Problems())
            .ToArray();
        return problems.Length > 0
            ? throw new ArgumentException($"--dicomweb cannot be used: {string.Join("; ", problems)}")
            : (server, selection);
    }

    /// <summary>The options that only make sense with --dicomweb, given without it.</summary>
    public IEnumerable<string> GivenWithoutRoot(ParseResult parse)
    {
        if (IsGiven(parse))
        {
            yield break;
        }

        foreach (var option in new Option[] { _studies, _series, _query, _user, _password, _token })
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                yield return option.Name;
            }
        }
    }

    /// <summary>The server as a silo's DicomWeb:* configuration (an embedded silo sends its SEGs back there).</summary>
    public IEnumerable<KeyValuePair<string, string?>> SiloSettings(ParseResult parse)
    {
        var server = Read(parse).Server;
        yield return new($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.ServiceRoot)}", server.ServiceRoot);
        yield return new($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.UserName)}", server.UserName);
        yield return new($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.Password)}", server.Password);
        yield return new($"{DicomWebOptions.SectionName}:{nameof(DicomWebOptions.BearerToken)}", server.BearerToken);
    }

    /// <summary>The selected instances retrieved and staged; none readable is an error listing why.</summary>
    public async Task<DicomStaging> RetrieveAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var source = Read(parse);
        using var client = new DicomWebClient(source.Server);
        var staging = await DicomStaging.RetrieveAsync(client, source.Selection, new DicomImporter(), cancellationToken);
        if (staging.ImagePaths.Count == 0)
        {
            var reasons = staging.Failures.Count == 0 ? "" : $":{Environment.NewLine}{string.Join(Environment.NewLine, staging.Failures.Select(f => "  " + f))}";
            staging.Dispose();
            throw new DatasetException(
                $"{source.Server.ServiceRoot}: {(staging.Files == 0 ? $"no instances match {Describe(source.Selection)}" : $"none of the {staging.Files} instances matching {Describe(source.Selection)} could be read")}{reasons}");
        }

        return staging;
    }

    private static string Describe(DicomWebSelection selection) =>
        string.Join(", ", selection.Studies.Select(s => $"study {s}").Concat(selection.Series.Select(s => $"series {s}"))
            .Append(selection.Query.Matches.Count > 0 ? $"query {selection.Query}" : "").Where(p => p.Length > 0));
}
