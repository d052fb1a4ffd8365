namespace SamMpa.Dicom;

/// <summary>
/// The grey-scale pipeline of PS3.4 N.2 for one instance, as a lookup table from stored value to the 0..255 float
/// scale of <c>GrayImage</c>: the stored bits (sign-extended when signed), the modality rescale (slope, intercept),
/// then the VOI transform: the configured CT window for CT, else the file's VOI LUT (preferred to its window, as
/// pydicom does), else its window, else the full range the stored bits can hold (for unsigned 16 bits, value / 257:
/// the 16-bit form of a 16-bit PNG, precision kept as fractions); then MONOCHROME1 inverted.
/// </summary>
internal static class DicomGrayscale
{
    private const float OutputMaximum = 255f;

    /// <summary>One output value per possible stored value (2^BitsStored entries), indexed by the unsigned stored bits.</summary>
    public static float[] BuildTable(DicomHeader header, DicomReadOptions options)
    {
        var ctWindow = options.CtWindow is not null && header.Provenance.Modality == "CT" ? options.CtWindow : null;
        var lut = ctWindow is null ? header.VoiLut : null;
        var window = ctWindow ?? header.Window;
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
            var output = lut is not null ? LookedUp(value, lut) : window is null ? FullRange(value, low, high) : Windowed(value, window);
            table[bitsValue] = header.IsMonochrome1 ? OutputMaximum - output : output;
        }

        return table;

        double Modality(int stored) => (stored * slope) + intercept;
    }

    private static float LookedUp(double value, DicomVoiLut lut)
    {
        var index = (long)Math.Floor(value) - lut.FirstMapped;
        var entry = lut.Entries[(int)Math.Clamp(index, 0, lut.Entries.Count - 1)];
        return (float)Math.Min(entry / (double)((1 << lut.BitsPerEntry) - 1) * OutputMaximum, OutputMaximum);
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
