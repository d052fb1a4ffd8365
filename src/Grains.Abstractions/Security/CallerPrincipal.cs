namespace SamMpa.Grains.Security;

/// <summary>Who a call comes from, as the silo authenticated it from the caller's access key.</summary>
[GenerateSerializer]
[Alias("sammpa.CallerPrincipal")]
public sealed record CallerPrincipal([property: Id(0)] string Name, [property: Id(1)] bool Admin);
