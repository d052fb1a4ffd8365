using SamMpa.Grains.Images;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// Turns a failure's text into a bounded <see cref="ImageError"/>: one line for statuses, events and reports, the whole
/// text (elastix's log lines, say) in the image's failure blob.
/// </summary>
public sealed class FailureRecords(IBlobStore blobs)
{
    public async Task<ImageError> RecordAsync(string dataset, string? runId, string image, string stage, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reason = ImageError.OneLine(text);
        if (reason.Length == text.Trim().Length)
        {
            return new ImageError(stage, reason);
        }

        var blob = DatasetBlobLayout.FailureDetail(dataset, runId, image);
        await blobs.WriteAsync(blob, System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
        return new ImageError(stage, reason, blob);
    }
}
