namespace SamMpa.Imaging.Metrics;

/// <summary>Dice and IoU of one predicted mask against its ground truth.</summary>
public readonly record struct Overlap(double Dice, double IoU);
