using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Evaluation;

/// <summary>The phases `sammpa bench-registration` and bench/ measure, against the installed elastix.</summary>
public sealed class RegistrationBenchmarkTests
{
    [Fact]
    public void Pairs_register_the_next_image_onto_each_image_on_the_working_grid()
    {
        using var phantoms = new PhantomDataset(count: 4);

        var pairs = RegistrationPair.Load(phantoms.ImagesDirectory, phantoms.MasksDirectory, pairs: 10, workingSize: 32);
        try
        {
            Assert.True(pairs.Count == 3, $"expected 3 pairs from 4 images (support i+1 onto query i), got {pairs.Count}");
            Assert.All(pairs.Select((p, i) => (p, i)), x =>
            {
                Assert.Equal(PhantomDataset.Name(x.i), x.p.QueryName);
                Assert.Equal(PhantomDataset.Name(x.i + 1), x.p.SupportName);
                Assert.True(x.p.Query.Width == 32 && x.p.SupportMask.Height == 32, $"expected pair {x.i} on the 32x32 working grid");
            });
        }
        finally
        {
            foreach (var pair in pairs)
            {
                pair.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_stage_phase_registers_every_pair_and_reports_its_wall_time()
    {
        using var phantoms = new PhantomDataset(count: 3);
        var pairs = RegistrationPair.Load(phantoms.ImagesDirectory, phantoms.MasksDirectory, pairs: 2, workingSize: 64);
        try
        {
            var benchmark = new RegistrationBenchmark(new RegistrationOptions(), SilentProgress.Instance);

            var phase = await benchmark.MeasureStageAsync(pairs, workers: 2, "test", default);

            Assert.Equal(2, phase.Pairs);
            Assert.Equal(2, phase.Workers);
            Assert.True(phase.WallSeconds > 0 && phase.RegistrationSecondsSum > 0, $"expected positive times, got wall {phase.WallSeconds} s and sum {phase.RegistrationSecondsSum} s");
        }
        finally
        {
            foreach (var pair in pairs)
            {
                pair.Dispose();
            }
        }
    }
}
