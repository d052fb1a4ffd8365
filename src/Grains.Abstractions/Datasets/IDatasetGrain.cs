using Orleans.Concurrency;
using SamMpa.Grains.Security;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// Coordinates one dataset (key: the dataset id). Every long step is a job that the call starts and returns from
/// at once; <see cref="GetStatusAsync"/> and the completion stream tell how it goes. Calls are idempotent: creating
/// the same dataset twice, or starting a run that already runs, changes nothing. Every call checks the caller's
/// principal against the dataset's owner and grants (<see cref="DatasetRole"/>); a refused call throws
/// <see cref="AccessDeniedException"/>.
/// </summary>
[Alias("sammpa.IDatasetGrain")]
public interface IDatasetGrain : IGrainWithStringKey
{
    /// <summary>Lists the images, checks their names and starts embedding them.</summary>
    [Alias("Create")]
    Task<DatasetStatus> CreateAsync(CreateDataset request);

    /// <summary>
    /// Claims a dataset id not created yet for the caller before it uploads the dataset's files with its own storage
    /// credentials (the gateway): only the same principal (or an admin) may then add files to it, create it, or read it.
    /// On a dataset that exists it needs the owner role.
    /// </summary>
    [Alias("Reserve")]
    Task ReserveAsync();

    /// <summary>Selects the supports once every embedding exists (waiting for them if needed).</summary>
    [Alias("SelectSupports")]
    Task<DatasetStatus> SelectSupportsAsync(SelectSupports request);

    /// <summary>
    /// Checks the annotation blobs of the supports (<c>datasets/{id}/annotations/{stem}.png</c>): present, readable, the
    /// image's size, not empty. Problems are listed in the status by support.
    /// </summary>
    [Alias("AcceptAnnotations")]
    Task<DatasetStatus> AcceptAnnotationsAsync();

    /// <summary>Starts segmenting every query; returns at once.</summary>
    [Alias("Run")]
    Task<DatasetStatus> RunAsync(RunSettings settings);

    /// <summary>
    /// Makes a query a support, with a person's correction of its mask (or its final mask as it is) as the annotation.
    /// Every query's supports are ranked again (a job: the status says when it is done); the next run with the same
    /// settings re-segments only the queries whose nearest supports changed, and keeps the other masks of the last run.
    /// </summary>
    [Alias("Promote")]
    Task<DatasetStatus> PromoteAsync(PromoteQuery request);

    [Alias("GetStatus")]
    Task<DatasetStatus> GetStatusAsync();

    /// <summary>
    /// Stops the current job and returns once every call it had in flight has stopped (their elastix killed): nothing of
    /// the cancelled work runs or writes after it.
    /// </summary>
    [Alias("Cancel")]
    Task<DatasetStatus> CancelAsync();

    /// <summary>Gives <paramref name="principal"/> the role <paramref name="role"/> on this dataset (owner only).</summary>
    [Alias("Grant")]
    Task GrantAsync(string principal, DatasetRole role);

    /// <summary>Takes every role on this dataset from <paramref name="principal"/> (owner only; the owner keeps ownership).</summary>
    [Alias("RevokeGrant")]
    Task RevokeAsync(string principal);

    /// <summary>
    /// Throws <see cref="AccessDeniedException"/> unless the caller may read this dataset (viewer or more), or it does not
    /// exist yet: the check before a client subscribes to its completion stream. Interleaves: it only reads the owner and
    /// grants.
    /// </summary>
    [Alias("RequireViewer")]
    [AlwaysInterleave]
    Task RequireViewerAsync();

    /// <summary>
    /// Throws <see cref="AccessDeniedException"/> unless the caller holds <paramref name="needed"/> (or more) on this
    /// dataset; a dataset not created yet passes (it has no roles yet; <see cref="DatasetAccess.Exists"/> says so). The
    /// check before a client reads or writes the dataset's blobs with its own storage credentials (the gateway), so
    /// the dataset's grants decide who may. Interleaves: it only reads the owner and grants.
    /// </summary>
    [Alias("RequireRole")]
    [AlwaysInterleave]
    Task<DatasetAccess> RequireRoleAsync(DatasetRole needed);
}
