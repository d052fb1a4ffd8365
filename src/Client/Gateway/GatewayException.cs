using System.Net;

namespace SamMpa.Client.Gateway;

/// <summary>
/// The gateway refused a request (its problem answer's detail is the message) or could not be reached (the message names
/// its address); <see cref="ExitCode"/> is what the command exits with.
/// </summary>
internal sealed class GatewayException : Exception
{
    public GatewayException(string message, int exitCode, HttpStatusCode? status = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        Status = status;
    }

    public int ExitCode { get; }

    /// <summary>The HTTP status of the refusal; null when no answer came.</summary>
    public HttpStatusCode? Status { get; }

    public bool AccessDenied => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}
