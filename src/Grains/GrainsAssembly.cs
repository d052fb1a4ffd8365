namespace SamMpa.Grains;

/// <summary>Marker for the grain assembly; the dataset and image grains arrive with the cluster issue.</summary>
public static class GrainsAssembly;
