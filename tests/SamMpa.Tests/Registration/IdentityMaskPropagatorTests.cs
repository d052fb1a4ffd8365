using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Registration;

public sealed class IdentityMaskPropagatorTests
{
    [Fact]
    public async Task Same_size_carries_the_support_mask_unchanged()
    {
        using var query = new GrayImage(8, 6);
        using var support = new GrayImage(8, 6);
        using var mask = new GrayImage(8, 6);
        mask[3, 2] = 1f;
        var result = await new IdentityMaskPropagator().PropagateAsync(query, support, mask, "q", "s", default);
        using var carried = result.SoftMask;
        Assert.Equal(mask.Pixels.ToArray(), carried.Pixels.ToArray());
    }

    [Fact]
    public async Task Other_size_is_resampled_to_the_query_grid()
    {
        using var query = new GrayImage(16, 12);
        using var support = new GrayImage(8, 6);
        using var mask = new GrayImage(8, 6);
        mask.Pixels.Fill(1f);
        var result = await new IdentityMaskPropagator().PropagateAsync(query, support, mask, "q", "s", default);
        using var carried = result.SoftMask;
        Assert.Equal((16, 12), (carried.Width, carried.Height));
        Assert.All(carried.Pixels.ToArray(), v => Assert.Equal(1f, v, 1e-6f));
    }

    [Fact]
    public void The_engine_setting_chooses_the_propagator()
    {
        Assert.IsType<IdentityMaskPropagator>(MaskPropagators.Create(new RegistrationOptions { Engine = RegistrationEngine.Identity }));
        Assert.IsType<ElastixMaskPropagator>(MaskPropagators.Create(new RegistrationOptions()));
    }
}
