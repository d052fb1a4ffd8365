using SamMpa.Imaging.Images;
using SamMpa.Imaging.Phantoms;
using SamMpa.Storage;

namespace SamMpa.Bench.Orchestration;

/// <summary>Phantom images and their truth written to blob stores as a dataset's images (3 anatomies, each image deformed).</summary>
internal static class PhantomUpload
{
    public static async Task UploadAsync(IBlobStore[] stores, string dataset, int count, int size, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var name = $"phantom_{i:D4}.png";
            var (image, mask) = Phantoms.CreateDeformed(size, seed: 1 + (i % 3), deformationSeed: 100 + i);
            using (image)
            using (mask)
            {
                var imagePng = MaskFile.EncodeGrayPng(image);
                var maskPng = MaskFile.EncodePng(mask);
                foreach (var store in stores)
                {
                    await store.WriteAsync(DatasetBlobLayout.Image(dataset, name), imagePng, cancellationToken);
                    await store.WriteAsync(DatasetBlobLayout.Truth(dataset, name), maskPng, cancellationToken);
                }
            }
        }
    }
}
