namespace SamMpa.Dicom;

/// <summary>
/// The grey-scale pipeline of PS3.4 N.2 for one instance, as a lookup table from stored value to the 0..255 float
/// scale of <c>GrayImage</c>: the stored bits (sign-extended when signed), the modality rescale (slope, intercept),
/// then the VOI window when there is one, otherwise the full range the stored bits can hold (for unsigned 16 bits,
/// value / 257: the 16-bit form of a 16-bit PNG, precision kept as fractions), then MONOCHROME1 inverted.
/// </summary>
internal static class DicomGrayscale
{
    private const float OutputMaximum = 255f;

    /// <summary>The window that applies: the CT window for CT instances when one is set, otherwise the file's.</summary>
    public static DicomWindow? WindowFor(DicomHeader header, DicomReadOptions options) =>
        options.CtWindow is not null && header.Provenance.Modality == "CT" ? options.CtWindow : header.Window;

    /// <summary>One output value per possible stored value (2^BitsStored entries), indexed by the unsigned stored bits.</summary>
    public static float[] BuildTable(DicomHeader header, DicomWindow? window)
    {
        var bits = header.BitsStored;
        var count = 1 << bits;
        var signed = header.PixelRepresentation == 1;
        var (slope, intercept) = (header.RescaleSlope, header.RescaleIntercept);

        var lowestStored = signed ? -(count / 2) : 0;
        var highestStored = signed ? (count / 2) - 1 : count - 1;
        var (low, high) = (Modality(lowestStored), Modality(highestStored));
        if (low > high)
        {
            (low, high) = (high, low); // a negative slope
        }

        var table = new float[count];
        for (var bitsValue = 0; bitsValue < count; bitsValue++)
        {
            var stored = signed && bitsValue >= count / 2 ? bitsValue - count : bitsValue;
            var value = Modality(stored);
            var output = window is null ? FullRange(value, low, high) : Windowed(value, window);
            table[bitsValue] = header.IsMonochrome1 ? OutputMaximum - output : output;
        }

        return table;

        double Modality(int stored) => (stored * slope) + intercept;
    }

    private static float FullRange(double value, double low, double high) =>
        high > low ? (float)((value - low) / (high - low) * OutputMaximum) : 0f;

    // PS3.3 C.11.2.1.2.1, the linear function, onto 0..255 without rounding (precision kept).
    private static float Windowed(double value, DicomWindow window)
    {
        var (center, width) = (window.Center, window.Width);
        if (width <= 1)
        {
            return value <= center - 0.5 ? 0f : OutputMaximum;
        }

        var lowEdge = center - 0.5 - ((width - 1) / 2);
        var highEdge = center - 0.5 + ((width - 1) / 2);
        if (value <= lowEdge)
        {
            return 0f;
        }

        return value > highEdge ? OutputMaximum : (float)((((value - (center - 0.5)) / (width - 1)) + 0.5) * OutputMaximum);
    }
}
