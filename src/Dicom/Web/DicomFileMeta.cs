using System.Buffers.Binary;
using System.Text;

namespace SamMpa.Dicom.Web;

/// <summary>
/// The SOP class and instance a Part-10 file declares in its file meta group (0002,0002) and (0002,0003), read from
/// the file's first bytes: how a STOW-RS upload is matched to the server's per-instance answer.
/// </summary>
internal static class DicomFileMeta
{
    /// <summary>Enough for any file meta group seen in practice; a longer one is reported as unreadable.</summary>
    public const int PrefixLength = 64 * 1024;

    private const int PreambleLength = 128;
    private const uint MediaStorageSopClassUid = 0x0002_0002;
    private const uint MediaStorageSopInstanceUid = 0x0002_0003;

    /// <summary>The declared UIDs, or why they cannot be read (not Part-10, a broken file meta group).</summary>
    public static (string SopClassUid, string SopInstanceUid, string? Problem) Read(ReadOnlySpan<byte> prefix, string name)
    {
        if (prefix.Length < PreambleLength + 4 || !prefix.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            return ("", "", "not a DICOM Part-10 file (no 'DICM' after the 128-byte preamble)");
        }

        try
        {
            var walker = new DicomHeaderReader.DatasetWalker(prefix.ToArray(), name, explicitVr: true);
            var position = PreambleLength + 4;
            string sopClass = "", sopInstance = "";
            while (position + 4 <= prefix.Length && BinaryPrimitives.ReadUInt16LittleEndian(prefix[position..]) == 0x0002)
            {
                var element = walker.ReadElementHeader(ref position);
                walker.CheckRemaining(position, element);
                if (element.Tag is MediaStorageSopClassUid or MediaStorageSopInstanceUid)
                {
                    var value = DicomAttributes.DecodeText(prefix.Slice(position, (int)element.Length), Encoding.ASCII);
                    if (element.Tag == MediaStorageSopClassUid)
                    {
                        sopClass = value;
                    }
                    else
                    {
                        sopInstance = value;
                    }
                }

                position += (int)element.Length;
            }

            return sopInstance.Length == 0
                ? (sopClass, "", "no Media Storage SOP Instance UID (0002,0003) in the file meta information")
                : (sopClass, sopInstance, null);
        }
        catch (DicomReadException e)
        {
            return ("", "", $"its file meta information cannot be read ({e.Reason})");
        }
    }
}
