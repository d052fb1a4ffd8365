using System.Runtime.InteropServices;

namespace SamMpa.Tests.Infrastructure;

/// <summary>POSIX signals, for what <see cref="System.Diagnostics.Process"/> cannot send: a graceful SIGTERM, a Ctrl-C.</summary>
internal static partial class Signals
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    public static void Terminate(int pid) => Send(pid, SigTerm, "SIGTERM");

    /// <summary>What Ctrl-C in a terminal sends.</summary>
    public static void Interrupt(int pid) => Send(pid, SigInt, "SIGINT");

    private static void Send(int pid, int signal, string name)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
