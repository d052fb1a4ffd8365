namespace SamMpa.Hosting;

/// <summary>Marker for the hosting assembly (silo composition: roles, providers, metrics).</summary>
internal static class HostingAssembly;
