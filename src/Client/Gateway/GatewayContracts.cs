using SamMpa.Grains.Datasets;

namespace SamMpa.Client.Gateway;

// The gateway's request and answer bodies as the CLI sends and reads them (JSON, web naming, enums by name): the
// shapes of src/Gateway/openapi.json, declared here so the CLI needs no reference to the web service.

/// <summary>A dataset's status and how far its current step is (0..1; null when nothing runs).</summary>
internal sealed record DatasetView(DatasetStatus Status, double? Progress);

/// <summary>The answer to creating a dataset: its status, how many files were written and kept, and the DICOM files not imported (each with why).</summary>
internal sealed record DatasetCreated(DatasetStatus Status, int Uploaded, int Kept, IReadOnlyList<string>? NotIngested = null);

/// <summary>Creates a dataset over images already in blob storage.</summary>
internal sealed record CreateFromPrefixRequest(string Id, string ImagePrefix, int WorkingSize);

/// <summary>Selects the supports, with the options of <c>sammpa select</c>.</summary>
internal sealed record SelectionRequest(int K, bool Random, int Seed, int Atlases, int Pool, string? StratifyBy = null, double MinStratumShare = 0.05);

/// <summary>Starts a run, with the settings of <c>sammpa run</c>.</summary>
internal sealed record RunRequest(string Stages, bool Sam, int Refine, int BoxMargin, int MaskDilation, bool InteriorPoint);
