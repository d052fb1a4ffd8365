using Google.Protobuf;
using Onnx;

namespace SamMpa.Tests.Embeddings;

/// <summary>
/// Writes a tiny stand-in for a SAM image encoder: AveragePool(kernel k, stride k) over the 3x1024x1024 input,
/// then a 1x1 Conv to 256 channels with known weights and bias. With k = 16 the output is 256x64x64.
/// </summary>
internal static class TinySamModel
{
    public const int Channels = 256;

    public static float Weight(int outChannel, int inChannel) => ((outChannel % 17) - 8) * 0.05f * (inChannel + 1);

    public static float Bias(int outChannel) => 0.25f + (outChannel * 0.01f);

    public static string Write(bool dynamicBatch = false, int pool = 16, int outChannels = Channels)
    {
        var grid = 1024 / pool;
        var weights = new TensorProto { Name = "W", DataType = (int)TensorProto.Types.DataType.Float, Dims = { outChannels, 3, 1, 1 } };
        var bias = new TensorProto { Name = "B", DataType = (int)TensorProto.Types.DataType.Float, Dims = { outChannels } };
        for (var o = 0; o < outChannels; o++)
        {
            for (var c = 0; c < 3; c++)
            {
                weights.FloatData.Add(Weight(o, c));
            }

            bias.FloatData.Add(Bias(o));
        }

        var graph = new GraphProto { Name = "tiny_sam" };
        graph.Initializer.Add(weights);
        graph.Initializer.Add(bias);
        graph.Input.Add(Value("image", dynamicBatch, 3, 1024, 1024));
        graph.Output.Add(Value("image_embeddings", dynamicBatch, outChannels, grid, grid));
        graph.Node.Add(new NodeProto
        {
            Name = "pool",
            OpType = "AveragePool",
            Input = { "image" },
            Output = { "pooled" },
            Attribute =
            {
                new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { pool, pool } },
                new AttributeProto { Name = "strides", Type = AttributeProto.Types.AttributeType.Ints, Ints = { pool, pool } },
            },
        });
        graph.Node.Add(new NodeProto { Name = "conv", OpType = "Conv", Input = { "pooled", "W", "B" }, Output = { "image_embeddings" } });

        var model = new ModelProto { IrVersion = 8, ProducerName = "SamMpa.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });

        var path = Path.Combine(Path.GetTempPath(), $"tiny-sam-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static ValueInfoProto Value(string name, bool dynamicBatch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dynamicBatch ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = 1 });
        foreach (var d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
