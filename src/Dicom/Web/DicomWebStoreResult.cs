namespace SamMpa.Dicom.Web;

/// <summary>An instance the server stored (from the STOW-RS answer's Referenced SOP Sequence).</summary>
public sealed record DicomWebStoredInstance(string Name, string SopInstanceUid, string SopClassUid);

/// <summary>An instance the server did not store: the server's reason (Failed SOP Sequence), or why none was given.</summary>
public sealed record DicomWebStoreFailure(string Name, string SopInstanceUid, string Reason)
{
    public override string ToString() =>
        SopInstanceUid.Length == 0 ? $"{Name}: {Reason}" : $"{Name} (SOP Instance UID {SopInstanceUid}): {Reason}";
}

/// <summary>
/// What one STOW-RS request did with each upload: stored, or failed with its reason. Every upload appears exactly
/// once, in one list or the other.
/// </summary>
public sealed record DicomWebStoreResult(string Url, IReadOnlyList<DicomWebStoredInstance> Stored, IReadOnlyList<DicomWebStoreFailure> Failed)
{
    public bool AllStored => Failed.Count == 0;

    /// <summary>Throws a <see cref="DicomWebException"/> naming every failed instance and its reason, when any failed.</summary>
    public void ThrowIfAnyFailed()
    {
        if (Failed.Count > 0)
        {
            throw new DicomWebException(
                Url, $"STOW-RS {Url}: {Failed.Count} of {Failed.Count + Stored.Count} instance(s) not stored: {string.Join("; ", Failed)}");
        }
    }
}
