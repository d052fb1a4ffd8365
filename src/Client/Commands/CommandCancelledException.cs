namespace SamMpa.Client.Commands;

/// <summary>The command was cancelled (Ctrl-C, SIGTERM) and has stopped what it started; the message says what that was.</summary>
internal sealed class CommandCancelledException : OperationCanceledException
{
    public CommandCancelledException()
    {
    }

    public CommandCancelledException(string message)
        : base(message)
    {
    }

    public CommandCancelledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
