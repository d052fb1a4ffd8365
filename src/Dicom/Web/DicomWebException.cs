using System.Net;

namespace SamMpa.Dicom.Web;

/// <summary>
/// A DICOMweb request failed: the server answered with an error status, an answer that cannot be read, or not in
/// time. The message names the method and URL, the study, series or instance asked for, and for an HTTP failure its
/// status and a short excerpt of the body.
/// </summary>
public sealed class DicomWebException : Exception
{
    public DicomWebException(string url, string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Url = url;
        StatusCode = statusCode;
    }

    /// <summary>The URL of the failed request.</summary>
    public string Url { get; }

    /// <summary>The HTTP status the server answered with; null when it did not answer (or the answer was unreadable).</summary>
    public HttpStatusCode? StatusCode { get; }
}
