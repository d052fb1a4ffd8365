using Google.Protobuf;
using Onnx;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// Rewrites the shipped ResNet18.onnx (a CNTK export with a fixed 1x3x224x224 input and only the pooled 512-d output)
/// at load time so that it returns intermediate feature maps at another input size: the input's spatial dims are set
/// to the requested size, the stored intermediate shapes (value_info, all for 224) are dropped so ONNX Runtime infers
/// them again, the graph outputs become the requested layer outputs, and nodes that feed none of them are removed.
/// </summary>
internal static class ResNet18LayerGraph
{
    /// <summary>Output of the last block of layer3: 256 channels at stride 16.</summary>
    public const string Layer3Output = "ReLU347_Output_0";

    /// <summary>Output of the last block of layer4 (before the global average pool): 512 channels at stride 32.</summary>
    public const string Layer4Output = "ReLU393_Output_0";

    public static byte[] Build(string resnetPath, int inputSize, IReadOnlyList<string> outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(resnetPath);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputSize < 32 || inputSize % 32 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"The ResNet18 input size must be a positive multiple of 32, not {inputSize}.");
        }

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(resnetPath));
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var input = graph.Input.FirstOrDefault(i => !initializers.Contains(i.Name))
            ?? throw new InvalidOperationException($"{resnetPath}: the model has no image input.");
        var dims = input.Type.TensorType.Shape.Dim;
        if (dims.Count != 4)
        {
            throw new InvalidOperationException($"{resnetPath}: expected a 4-d image input, found '{input.Name}' with {dims.Count} dims.");
        }

        dims[2] = new TensorShapeProto.Types.Dimension { DimValue = inputSize };
        dims[3] = new TensorShapeProto.Types.Dimension { DimValue = inputSize };

        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).ToDictionary(p => p.Output, p => p.Node, StringComparer.Ordinal);
        foreach (var name in outputs)
        {
            if (!producers.ContainsKey(name))
            {
                throw new InvalidOperationException($"{resnetPath}: no node produces '{name}'; not the ResNet18 of Microsoft.ML.DnnImageFeaturizer.ResNet18?");
            }
        }

        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>(outputs);
        while (pending.Count > 0)
        {
            if (producers.TryGetValue(pending.Pop(), out var node) && needed.Add(node))
            {
                foreach (var i in node.Input)
                {
                    pending.Push(i);
                }
            }
        }

        var kept = graph.Node.Where(needed.Contains).ToArray();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        graph.ValueInfo.Clear();
        graph.Output.Clear();
        foreach (var name in outputs)
        {
            graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        return model.ToByteArray();
    }

    /// <summary>The preprocessing model's mean image (1x3xHxW, BGR planes, 0..255 scale) and its size.</summary>
    public static (float[] Values, int Height, int Width) ReadMeanImage(string preprocessPath)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(preprocessPath));
        var tensor = model.Graph.Initializer.FirstOrDefault(t => t.Dims.Count == 4 && t.Dims[1] == 3)
            ?? throw new InvalidOperationException($"{preprocessPath}: no 1x3xHxW mean image initializer.");
        var count = (int)(tensor.Dims[1] * tensor.Dims[2] * tensor.Dims[3]);
        float[] values;
        if (tensor.FloatData.Count == count)
        {
            values = tensor.FloatData.ToArray();
        }
        else if (tensor.RawData.Length == 4 * count)
        {
            values = new float[count];
            tensor.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            throw new InvalidOperationException($"{preprocessPath}: the mean image '{tensor.Name}' holds no readable float data.");
        }

        return (values, (int)tensor.Dims[2], (int)tensor.Dims[3]);
    }
}
