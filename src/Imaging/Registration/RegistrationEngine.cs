namespace SamMpa.Imaging.Registration;

/// <summary>What carries support masks onto queries.</summary>
public enum RegistrationEngine
{
    /// <summary>B-spline elastic registration with elastix and transformix (the method).</summary>
    Elastix,

    /// <summary>
    /// A stand-in that registers nothing: the support mask, resampled to the query's grid, is the coarse mask.
    /// For load tests and orchestration benchmarks, where elastix's seconds per pair would hide what is measured.
    /// </summary>
    Identity,
}
