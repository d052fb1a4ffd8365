using Google.Protobuf;
using Onnx;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// A thin helper over the OnnxSharp protobuf types for writing small hand-made ONNX graphs (test fixtures,
/// stand-in models). Dimensions are given as strings: a number is a fixed size, anything else a symbolic name.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;

    private readonly GraphProto _graph;
    private int _nodes;

    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    public void Input(string name, int elementType, params string[] dims) => _graph.Input.Add(Value(name, elementType, dims));

    public void Output(string name, int elementType, params string[] dims) => _graph.Output.Add(Value(name, elementType, dims));

    public string FloatInitializer(string name, long[] dims, IEnumerable<float> data)
    {
        var tensor = new TensorProto { Name = name, DataType = Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(data);
        _graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64Initializer(string name, long[] dims, IEnumerable<long> data)
    {
        var tensor = new TensorProto { Name = name, DataType = Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(data);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A scalar float initializer.</summary>
    public string Scalar(string name, float value) => FloatInitializer(name, [], [value]);

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string output, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = $"{opType.ToLowerInvariant()}_{_nodes++}", OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Tensor(string name, long[] dims, IEnumerable<float> data)
    {
        var tensor = new TensorProto { DataType = Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(data);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
    }

    /// <summary>Writes the model (IR 8, default-domain opset <paramref name="opset"/>).</summary>
    public void Save(string path, int opset = 17)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "SamMpa", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, model.ToByteArray());
    }

    private static ValueInfoProto Value(string name, int elementType, string[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(long.TryParse(d, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var size)
                ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }
}
