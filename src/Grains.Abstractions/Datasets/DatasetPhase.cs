namespace SamMpa.Grains.Datasets;

/// <summary>Where a dataset is in its life. Values are persisted: never renumber.</summary>
[GenerateSerializer]
[Alias("sammpa.DatasetPhase")]
public enum DatasetPhase
{
    /// <summary>No such dataset yet.</summary>
    None = 0,

    /// <summary>Images listed; embeddings are being computed.</summary>
    Embedding = 1,

    /// <summary>Every image has an embedding (or failed); supports can be selected.</summary>
    Embedded = 2,

    /// <summary>Supports are being selected.</summary>
    Selecting = 3,

    /// <summary>Supports selected; waiting for their annotations.</summary>
    AwaitingAnnotations = 4,

    /// <summary>Every support has an accepted annotation; segmentation can start.</summary>
    Annotated = 5,

    /// <summary>Queries are being segmented.</summary>
    Running = 6,

    Completed = 7,

    Cancelled = 8,

    /// <summary>The dataset cannot go on (the status says why); create it again or fix the input.</summary>
    Failed = 9,
}
