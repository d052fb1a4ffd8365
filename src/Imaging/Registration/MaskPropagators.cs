namespace SamMpa.Imaging.Registration;

public static class MaskPropagators
{
    /// <summary>The propagator <see cref="RegistrationOptions.Engine"/> names.</summary>
    public static IMaskPropagator Create(RegistrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Engine switch
        {
            RegistrationEngine.Elastix => new ElastixMaskPropagator(options),
            RegistrationEngine.Identity => new IdentityMaskPropagator(),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"Registration engine '{options.Engine}' is not known: use Elastix or Identity."),
        };
    }
}
