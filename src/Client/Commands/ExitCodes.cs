namespace SamMpa.Client.Commands;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad input or a missing tool: nothing was computed.</summary>
    public const int InvalidInput = 2;

    /// <summary>The run finished, but some images could not be segmented; they are listed in per_image.csv.</summary>
    public const int SomeImagesFailed = 3;

    /// <summary>The cluster refused the call: no access key, an unknown or revoked one, or too low a role on the dataset.</summary>
    public const int AccessDenied = 4;

    /// <summary>Stopped by Ctrl-C (SIGINT), as a shell reports a process the signal ended: 128 + 2.</summary>
    public const int Cancelled = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;
}
