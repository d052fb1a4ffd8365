namespace SamMpa.Imaging.Registration;

/// <summary>The elastix and transformix processes this process runs, for a process that must end at once.</summary>
public static class RegistrationProcesses
{
    /// <summary>Kills every registration tool process still running, with its children; returns how many.</summary>
    public static int KillAll() => ToolProcess.KillAllRunning();
}
