using System.Net;
using System.Net.Sockets;
using SamMpa.Dicom.Web;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// What the DICOMweb client says without an archive to talk to: unusable options named when it is made, a server
/// that never answers reported with the time limit, a bad UID refused before any request.
/// </summary>
public sealed class DicomWebClientOfflineTests
{
    [Fact]
    public void Unusable_options_are_each_named_when_the_client_is_made()
    {
        var options = new DicomWebOptions { ServiceRoot = "ftp://archive/dicom-web", UserName = "u", BearerToken = "t", Timeout = TimeSpan.Zero };

        var error = Assert.Throws<ArgumentException>(() => new DicomWebClient(options));

        Assert.Equal(
            "DICOMweb options cannot be used: DicomWeb:ServiceRoot 'ftp://archive/dicom-web' is not an absolute http or https URL; " +
            "DicomWeb:UserName and DicomWeb:BearerToken are both set; use basic authentication or a bearer token, not both; " +
            "DicomWeb:Timeout is 00:00:00; it must be positive (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_reported_with_the_time_limit()
    {
        // A listener that accepts connections (the kernel's backlog) but never reads or answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var root = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/dicom-web/";
        using var client = new DicomWebClient(new DicomWebOptions { ServiceRoot = root, Timeout = TimeSpan.FromMilliseconds(300) });

        var error = await Assert.ThrowsAsync<DicomWebException>(() => client.SearchStudiesAsync(DicomWebQuery.Where("PatientID", "P1")));

        Assert.Equal(
            $"QIDO-RS GET {root}studies?PatientID=P1&includefield=00080080: no complete answer for studies matching PatientID=P1 within 00:00:00.3000000 (DicomWeb:Timeout)",
            error.Message);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task A_uid_that_is_not_a_uid_is_refused_before_any_request()
    {
        using var client = new DicomWebClient(new DicomWebOptions { ServiceRoot = "http://127.0.0.1:9/dicom-web" });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.RetrieveInstanceAsync("1.2.3", "../../etc", "1.2.4", Stream.Null));

        Assert.StartsWith("the series UID '../../etc' is not a DICOM UID (digits and dots, at most 64 characters)", error.Message, StringComparison.Ordinal);
    }
}
