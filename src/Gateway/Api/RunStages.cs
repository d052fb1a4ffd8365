using SamMpa.Grains.Datasets;

namespace SamMpa.Gateway.Api;

/// <summary>
/// A <see cref="RunRequest"/> as the run settings <c>sammpa run</c> would send: <c>stages</c> is auto, or mp, loc and rf
/// joined by commas; SAM's stages are <c>sam</c>. Anything else is refused naming the word.
/// </summary>
internal static class RunStages
{
    public static RunSettings ToSettings(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var words = (request.Stages ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            throw new ArgumentException("stages is empty: give auto, or mp, loc and rf joined by commas.", nameof(request));
        }

        bool auto = false, register = false, localise = false, graphCut = false;
        foreach (var word in words)
        {
            switch (word.ToLowerInvariant())
            {
                case "auto": auto = true; break;
                case "mp": register = true; break;
                case "loc": localise = true; break;
                case "rf": graphCut = true; break;
                case "es" or "pa" or "pr":
                    throw new ArgumentException($"stages '{request.Stages}': '{word}' belongs elsewhere (es to the selection, pa and pr to sam).", nameof(request));
                default:
                    throw new ArgumentException($"stages '{request.Stages}': unknown stage '{word}'; use auto, or mp, loc and rf joined by commas.", nameof(request));
            }
        }

        return new RunSettings
        {
            Auto = auto,
            Register = register || auto,
            Localise = localise,
            GraphCut = graphCut,
            UseSam = request.Sam,
            Refine = request.Refine,
            Prompts = new SamPromptSettings
            {
                BoxMargin = request.BoxMargin,
                MaskDilation = request.MaskDilation,
                InteriorPoint = request.InteriorPoint,
            },
        };
    }
}
