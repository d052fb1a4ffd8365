using SamMpa.Client.Evaluation;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Cluster;

/// <summary>What `sammpa eval` on the cluster produced: the report, and every query's result by run name.</summary>
internal sealed record ClusterEvalOutcome(EvalReport Report, IReadOnlyDictionary<string, IReadOnlyList<QueryResult>> ResultsByRun);
