using System.Runtime.InteropServices;
using SamMpa.Imaging.Registration;

namespace SamMpa.Client.Commands;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM as a cancellation of the running command: the first one cancels <see cref="Token"/>, and
/// the command stops what it started (its dataset's job, the embedded silo) and exits; a second one ends the process at
/// once, as without this, taking the elastix and transformix processes it started with it.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public TerminationSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>The process's exit code: a cancelled command's code tells which signal stopped it (130 SIGINT, 143 SIGTERM).</summary>
    public int ExitCodeOf(int commandExitCode) =>
        commandExitCode == ExitCodes.Cancelled && Received == PosixSignal.SIGTERM ? ExitCodes.Terminated : commandExitCode;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Exchange(ref _received, 1) != 0)
        {
            // The second signal: the default action, the process ends now; its registration tools must not run on.
            RegistrationProcesses.KillAll();
            return;
        }

        Received = context.Signal;
        context.Cancel = true;
        // Off the signal thread: the cancellation callbacks run the command's clean-up continuations.
        _ = Task.Run(_cancellation.Cancel);
    }
}
