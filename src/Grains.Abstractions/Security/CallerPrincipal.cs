namespace SamMpa.Grains.Security;

/// <summary>Who a call comes from, as the silo authenticated it from the caller's access key.</summary>
[GenerateSerializer]
[Alias("sammpa.CallerPrincipal")]
public sealed record CallerPrincipal([property: Id(0)] string Name, [property: Id(1)] bool Admin)
{
    /// <summary>
    /// The key may act on behalf of other principals (<see cref="CallerContext.OnBehalfOf"/>): a front door that
    /// authenticates its own users. Only ever true for the key as resolved, never for the principal a call enters as.
    /// </summary>
    [Id(2)]
    public bool Delegate { get; init; }
}
