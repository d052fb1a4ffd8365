using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SamMpa.Grains.Options;
using SamMpa.Grains.Services;
using SamMpa.Imaging.Embeddings;

namespace SamMpa.Tests.Embeddings;

/// <summary>The ONNX sessions: which runtime the tests run on, the CUDA fallback, and who disposes a session.</summary>
public sealed class OnnxSessionTests : IDisposable
{
    // A model of its own: no other test holds its session.
    private readonly string _model = TinySamModel.Write();

    public void Dispose() => File.Delete(_model);

    [Fact]
    public void Device_cuda_without_cuda_gives_a_cpu_session_and_says_so_once()
    {
        // The tests run on ONNX Runtime's CPU package (Microsoft.ML.OnnxRuntime): no CUDA provider in this build.
        Assert.DoesNotContain("CUDAExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
        var warnings = new List<string>();

        using var first = EncoderFactory.Create(_model, Device.Cuda, warnings.Add);
        using var second = EncoderFactory.Create(_model, Device.Cuda, warnings.Add);
        using var cpu = EncoderFactory.Create(_model, Device.Cpu, null);

        var warning = Assert.Single(warnings);
        Assert.Contains("CUDA execution provider unavailable", warning, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(_model), warning, StringComparison.Ordinal);
        Assert.EndsWith("using the CPU.", warning, StringComparison.Ordinal);
        using var image = TestImages.Disc();
        Assert.Equal(cpu.Encode(image), first.Encode(image));
    }

    [Fact]
    public void A_session_lives_while_an_encoder_holds_it_and_is_disposed_with_the_last()
    {
        var first = EncoderFactory.Create(_model, Device.Cpu, null);
        var second = EncoderFactory.Create(_model, Device.Cpu, null);
        Assert.Equal(2, OnnxSessions.LeaseCount(_model, Device.Cpu));

        first.Dispose();
        first.Dispose();
        Assert.Equal(1, OnnxSessions.LeaseCount(_model, Device.Cpu));
        using var image = TestImages.Disc();
        Assert.NotEmpty(second.Encode(image));

        second.Dispose();
        Assert.Equal(0, OnnxSessions.LeaseCount(_model, Device.Cpu));
    }

    [Fact]
    public async Task Worker_models_load_once_for_every_caller_and_dispose_their_sessions_with_the_host()
    {
        var models = new WorkerModels(Microsoft.Extensions.Options.Options.Create(new ModelOptions { SamEncoder = _model }), NullLogger<WorkerModels>.Instance);

        var encoders = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(models.GetEncoderAsync)));
        await models.LoadAsync();

        var encoder = encoders[0];
        Assert.All(encoders, e => Assert.Same(encoder, e));
        Assert.Same(encoder, await models.GetEncoderAsync());
        Assert.Null(await models.GetDecoderAsync());
        Assert.Equal(1, OnnxSessions.LeaseCount(_model, Device.Cpu));

        models.Dispose();

        Assert.Equal(0, OnnxSessions.LeaseCount(_model, Device.Cpu));
        using var image = TestImages.Disc();
        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(image));
        await Assert.ThrowsAsync<ObjectDisposedException>(models.GetEncoderAsync);
    }
}
