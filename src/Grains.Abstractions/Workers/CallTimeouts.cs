namespace SamMpa.Grains.Workers;

/// <summary>
/// Response timeouts of the long grain methods. Orleans takes them as constants, so they are ceilings only: the real
/// bound of a call is the caller's cancellation token, whose deadline the dataset job derives from
/// <c>Registration:Timeout</c>, the atlases and the queueing it allows (see CallBudgets in the Grains project). A
/// cancelled call stops its callee (elastix is killed) and the caller waits for that.
/// </summary>
public static class CallTimeouts
{
    /// <summary>Registration, SAM decoding and the image calls that wait on them.</summary>
    public const string LongWork = "06:00:00";
}
