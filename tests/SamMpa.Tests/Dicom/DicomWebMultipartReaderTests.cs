using System.Text;
using SamMpa.Dicom.Web;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The multipart reader WADO-RS answers go through, without a server: parts cut anywhere by the network (here one
/// byte a read), a boundary look-alike inside a body, a preamble, and bodies that end early or run too long.
/// </summary>
public sealed class DicomWebMultipartReaderTests
{
    private const string Boundary = "b0undary-42";

    [Fact]
    public async Task Two_parts_read_one_byte_at_a_time_come_out_whole_with_their_headers()
    {
        var first = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray(); // longer than the reader's buffer
        var second = Encoding.ASCII.GetBytes($"\r\n--{Boundary[..^1]}x not the boundary\r\n--");
        var body = Multipart("a preamble to skip\r\n", (first, "application/dicom"), (second, "application/dicom; transfer-syntax=1.2.840.10008.1.2.1"));
        using var reader = new MultipartReader(new OneByteStream(body), Boundary);

        using var firstOut = new MemoryStream();
        var firstPart = await reader.CopyNextPartAsync(firstOut, long.MaxValue, CancellationToken.None);
        using var secondOut = new MemoryStream();
        var secondPart = await reader.CopyNextPartAsync(secondOut, long.MaxValue, CancellationToken.None);

        Assert.Equal(("application/dicom", (long)first.Length), (firstPart!.ContentType, firstPart.Length));
        Assert.Equal(first, firstOut.ToArray());
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", secondPart!.ContentType);
        Assert.Equal(second, secondOut.ToArray());
        Assert.Null(await reader.CopyNextPartAsync(Stream.Null, long.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task A_body_without_its_closing_boundary_is_reported_as_ending_inside_a_part()
    {
        var body = Multipart("", (new byte[100], "application/dicom"));
        var cut = body[..^(Boundary.Length + 10)];
        using var reader = new MultipartReader(new MemoryStream(cut), Boundary);

        var error = await Assert.ThrowsAsync<FormatException>(() => reader.CopyNextPartAsync(Stream.Null, long.MaxValue, CancellationToken.None));

        Assert.Equal("the multipart body ends inside a part, without the closing boundary", error.Message);
    }

    [Fact]
    public async Task A_part_longer_than_the_limit_is_abandoned()
    {
        var body = Multipart("", (new byte[5000], "application/dicom"));
        using var reader = new MultipartReader(new MemoryStream(body), Boundary);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.CopyNextPartAsync(Stream.Null, 4096, CancellationToken.None));

        Assert.Equal("the part is longer than 4,096 bytes", error.Message);
    }

    [Fact]
    public void A_query_string_escapes_only_what_a_value_cannot_hold_and_adds_the_include_fields_once()
    {
        var query = DicomWebQuery.Where("InstitutionName", "St Mary's & Co*").And("00080060", "CR") with { IncludeFields = ["00080080"] };

        Assert.Equal(
            "InstitutionName=St%20Mary's%20%26%20Co*&00080060=CR&includefield=00080080&includefield=00080070&limit=5&offset=10",
            query.Page(5, 10).ToQueryString(["00080080", "00080070"]));
        Assert.Equal(
            ["match attribute 'institution name' is neither a DICOM keyword nor a tag of eight hex digits", "limit 0 must be at least 1"],
            DicomWebQuery.Where("institution name", "x").Page(0, 0).Problems());
    }

    private static byte[] Multipart(string preamble, params (byte[] Body, string ContentType)[] parts)
    {
        using var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes(preamble));
        foreach (var (content, contentType) in parts)
        {
            body.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: {contentType}\r\n\r\n"));
            body.Write(content);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return body.ToArray();
    }

    // The network at its worst: every read returns a single byte.
    private sealed class OneByteStream(byte[] content) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    }
}
