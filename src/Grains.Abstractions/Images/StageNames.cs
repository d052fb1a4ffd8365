namespace SamMpa.Grains.Images;

/// <summary>Stage names in statuses, failures and metrics.</summary>
public static class StageNames
{
    public const string Embed = "embed";
    public const string Select = "select";
    public const string Annotate = "annotate";
    public const string Register = "register";
    public const string Localise = "localise";
    public const string GraphCut = "graphcut";
    public const string Segment = "segment";
}
