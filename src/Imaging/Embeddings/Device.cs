namespace SamMpa.Imaging.Embeddings;

/// <summary>Where ONNX inference runs. <see cref="Cuda"/> falls back to the CPU (with one warning) when CUDA is unavailable.</summary>
public enum Device
{
    Cpu,
    Cuda,
}
