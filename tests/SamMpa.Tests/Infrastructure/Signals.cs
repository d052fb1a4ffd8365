using System.Runtime.InteropServices;

namespace SamMpa.Tests.Infrastructure;

/// <summary>POSIX signals, for what <see cref="System.Diagnostics.Process"/> cannot send: a graceful SIGTERM.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int pid)
    {
        if (Kill(pid, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
