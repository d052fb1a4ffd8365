using System.Numerics.Tensors;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// Weighted, L2-regularised logistic regression with soft targets in [0, 1], fitted by L-BFGS with a backtracking
/// (Armijo) line search from zero weights: no randomness, so the same data always give the same model.
/// Minimises sum_i w_i (softplus(z_i) - t_i z_i) / sum_i w_i + lambda / 2 |beta|^2, z_i = x_i . beta + bias
/// (the bias is not penalised).
/// </summary>
public sealed class LogisticRegression
{
    private LogisticRegression(float[] weights, float bias, int iterations, double loss)
    {
        Weights = weights;
        Bias = bias;
        Iterations = iterations;
        FinalLoss = loss;
    }

    public float[] Weights { get; }

    public float Bias { get; }

    /// <summary>L-BFGS iterations taken.</summary>
    public int Iterations { get; }

    /// <summary>The objective at the solution.</summary>
    public double FinalLoss { get; }

    /// <param name="samples">n x d, row-major.</param>
    /// <param name="targets">n targets in [0, 1].</param>
    /// <param name="sampleWeights">n non-negative weights, or null for all 1.</param>
    public static LogisticRegression Fit(
        float[] samples, int dimension, float[] targets, float[]? sampleWeights, float lambda, int maxIterations = 200, int history = 10, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(lambda);
        var n = targets.Length;
        if (n == 0 || samples.Length != (long)n * dimension)
        {
            throw new ArgumentException($"Expected {n} x {dimension} samples, got {samples.Length} values for {n} targets.", nameof(samples));
        }

        var weights = sampleWeights ?? Enumerable.Repeat(1f, n).ToArray();
        if (weights.Length != n)
        {
            throw new ArgumentException($"Expected {n} sample weights, got {weights.Length}.", nameof(sampleWeights));
        }

        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("The sample weights sum to zero.", nameof(sampleWeights));
        }

        var objective = new Objective(samples, dimension, targets, weights, (float)(1.0 / total), lambda);
        var p = dimension + 1; // parameters: beta then bias
        var x = new float[p];
        var g = new float[p];
        var f = objective.Evaluate(x, g);
        var s = new List<float[]>();
        var y = new List<float[]>();
        var rho = new List<float>();
        var direction = new float[p];
        var xNew = new float[p];
        var gNew = new float[p];
        var alpha = new float[history];
        var iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            var gradientNorm = TensorPrimitives.Norm(g);
            if (gradientNorm < tolerance)
            {
                break;
            }

            // Two-loop recursion: direction = -H g.
            g.CopyTo(direction, 0);
            for (var k = s.Count - 1; k >= 0; k--)
            {
                alpha[k] = rho[k] * TensorPrimitives.Dot(s[k], direction);
                TensorPrimitives.MultiplyAdd(y[k], -alpha[k], direction, direction);
            }

            var gamma = s.Count == 0 ? 1f / Math.Max(gradientNorm, 1e-12f) : TensorPrimitives.Dot(s[^1], y[^1]) / TensorPrimitives.Dot(y[^1], y[^1]);
            TensorPrimitives.Multiply(direction, gamma, direction);
            for (var k = 0; k < s.Count; k++)
            {
                var beta = rho[k] * TensorPrimitives.Dot(y[k], direction);
                TensorPrimitives.MultiplyAdd(s[k], alpha[k] - beta, direction, direction);
            }

            TensorPrimitives.Negate(direction, direction);
            var slope = TensorPrimitives.Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (curvature information gone bad): restart from steepest descent.
                s.Clear();
                y.Clear();
                rho.Clear();
                TensorPrimitives.Multiply(g, -1f / Math.Max(gradientNorm, 1e-12f), direction);
                slope = TensorPrimitives.Dot(g, direction);
            }

            var step = 1f;
            double fNew;
            var accepted = false;
            for (var tries = 0; tries < 30; tries++)
            {
                TensorPrimitives.MultiplyAdd(direction, step, x, xNew);
                fNew = objective.Evaluate(xNew, gNew);
                if (fNew <= f + (1e-4 * step * slope))
                {
                    var sk = new float[p];
                    var yk = new float[p];
                    TensorPrimitives.Subtract(xNew, x, sk);
                    TensorPrimitives.Subtract(gNew, g, yk);
                    var sy = TensorPrimitives.Dot(sk, yk);
                    if (sy > 1e-10f)
                    {
                        if (s.Count == history)
                        {
                            s.RemoveAt(0);
                            y.RemoveAt(0);
                            rho.RemoveAt(0);
                        }

                        s.Add(sk);
                        y.Add(yk);
                        rho.Add(1f / sy);
                    }

                    var converged = Math.Abs(f - fNew) <= tolerance * 1e-3 * Math.Max(1.0, Math.Abs(f));
                    xNew.CopyTo(x, 0);
                    gNew.CopyTo(g, 0);
                    f = fNew;
                    accepted = !converged;
                    break;
                }

                step *= 0.5f;
            }

            if (!accepted)
            {
                iteration++;
                break;
            }
        }

        return new LogisticRegression(x[..dimension], x[dimension], iteration, f);
    }

    /// <summary>P(target) for one sample.</summary>
    public float Predict(ReadOnlySpan<float> sample) => Sigmoid(TensorPrimitives.Dot(sample, Weights) + Bias);

    public static float Sigmoid(float z) => z >= 0 ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));

    private sealed class Objective(float[] samples, int dimension, float[] targets, float[] weights, float inverseTotal, float lambda)
    {
        public double Evaluate(float[] parameters, float[] gradient)
        {
            var beta = parameters.AsSpan(0, dimension);
            var bias = parameters[dimension];
            Array.Clear(gradient);
            var betaGradient = gradient.AsSpan(0, dimension);
            var loss = 0.0;
            var biasGradient = 0.0;
            for (var i = 0; i < targets.Length; i++)
            {
                var w = weights[i];
                if (w == 0)
                {
                    continue;
                }

                var row = samples.AsSpan(i * dimension, dimension);
                var z = TensorPrimitives.Dot(row, beta) + bias;
                var softplus = Math.Max(z, 0f) + MathF.Log(1f + MathF.Exp(-Math.Abs(z)));
                loss += w * (softplus - (targets[i] * z));
                var residual = w * inverseTotal * (Sigmoid(z) - targets[i]);
                TensorPrimitives.MultiplyAdd(row, residual, betaGradient, betaGradient);
                biasGradient += residual;
            }

            gradient[dimension] = (float)biasGradient;
            TensorPrimitives.MultiplyAdd(beta, lambda, betaGradient, betaGradient);
            var penalty = 0.5 * lambda * TensorPrimitives.Dot(beta, beta);
            return (loss * inverseTotal) + penalty;
        }
    }
}
