using System.Text.Json;

namespace DvServerless.Cli.Load;

/// <summary>
/// The JSON of a <see cref="LoadReport"/>: <c>engine, calls, completed, failed, jitterMs {p50, p95, p99}, gatewayLatencyMs
/// {p50, p99}, wakeLatenessMs {p50, p99} (the worker's floor), bargeInReactionMs {p99}, answerLatencyMs {p50, p99} (the caller's wait for each answer), agentAnswers
/// {understood, answers} (offline: answers to what the caller said; null for the simulator), cpuPercentPerCall, rssMbPerCall, gcPauseMsP99, allocatedKbPerCallSecond, threads, poolThreads,
/// threadPoolStarvations (threads the pool added because queued work starved; null unless counted), heapSlopeMbPerHour, pooledBuffersLeaked,
/// harness {cpuPercent, gcPauseMsP99, wakeLatenessMs {p50, p99, max}} (the process that loads the worker; its wake-up lateness is the harness floor),
/// memory [{atSeconds, rssMb, gcHeapMb, gen2Collections, liveCalls, pooledBuffersOutstanding}]</c>, then
/// <c>notMeasured {figure: reason}</c> (why each null figure is null) and <c>failures [{call, reason}]</c>. Every figure
/// but jitter, answer latency, agent answers and the harness is the worker process's. Milliseconds are rounded to 0.01, a
/// figure not measured is null.
/// </summary>
public static class LoadReportJson
{
    /// <summary>Writes <paramref name="report"/> as indented JSON.</summary>
    public static string Write(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("engine", report.Engine);
            writer.WriteNumber("calls", report.Calls);
            writer.WriteNumber("completed", report.Completed);
            writer.WriteNumber("failed", report.Failed);
            writer.WriteStartObject("jitterMs");
            Number(writer, "p50", report.Jitter.P50);
            Number(writer, "p95", report.Jitter.P95);
            Number(writer, "p99", report.Jitter.P99);
            writer.WriteEndObject();
            writer.WriteStartObject("gatewayLatencyMs");
            Number(writer, "p50", report.GatewayLatency.P50);
            Number(writer, "p99", report.GatewayLatency.P99);
            writer.WriteEndObject();
            writer.WriteStartObject("wakeLatenessMs");
            Number(writer, "p50", report.WorkerWakeLateness.P50);
            Number(writer, "p99", report.WorkerWakeLateness.P99);
            writer.WriteEndObject();
            writer.WriteStartObject("bargeInReactionMs");
            Number(writer, "p99", report.BargeInReaction.P99);
            writer.WriteEndObject();
            writer.WriteStartObject("answerLatencyMs");
            Number(writer, "p50", report.AnswerLatency.P50);
            Number(writer, "p99", report.AnswerLatency.P99);
            writer.WriteEndObject();
            if (report.AgentAnswers is { } answers)
            {
                writer.WriteStartObject("agentAnswers");
                writer.WriteNumber("understood", answers.Understood);
                writer.WriteNumber("answers", answers.Answers);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("agentAnswers");
            }
            Number(writer, "cpuPercentPerCall", report.CpuPercentPerCall);
            Number(writer, "rssMbPerCall", report.RssMbPerCall);
            Number(writer, "gcPauseMsP99", report.GcPause.P99);
            Number(writer, "allocatedKbPerCallSecond", report.AllocatedKbPerCallSecond);
            writer.WriteNumber("threads", report.Threads);
            writer.WriteNumber("poolThreads", report.PoolThreads);
            Number(writer, "threadPoolStarvations", report.StarvationInjections);
            Number(writer, "heapSlopeMbPerHour", report.HeapSlopeMbPerHour);
            if (report.PooledBuffersLeaked is { } leaked)
            {
                writer.WriteNumber("pooledBuffersLeaked", leaked);
            }
            else
            {
                writer.WriteNull("pooledBuffersLeaked");
            }

            writer.WriteStartObject("harness");
            Number(writer, "cpuPercent", report.HarnessCpuPercent);
            Number(writer, "gcPauseMsP99", report.HarnessGcPauseP99);
            writer.WriteStartObject("wakeLatenessMs");
            Number(writer, "p50", report.HarnessWakeLateness.P50);
            Number(writer, "p99", report.HarnessWakeLateness.P99);
            Number(writer, "max", report.HarnessWakeLateness.Max);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("memory");
            foreach (var sample in report.Memory)
            {
                writer.WriteStartObject();
                writer.WriteNumber("atSeconds", sample.AtSeconds);
                writer.WriteNumber("rssMb", sample.RssMb);
                writer.WriteNumber("gcHeapMb", sample.GcHeapMb);
                writer.WriteNumber("gen2Collections", sample.Gen2Collections);
                writer.WriteNumber("liveCalls", sample.LiveCalls);
                writer.WriteNumber("pooledBuffersOutstanding", sample.PooledBuffersOutstanding);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("notMeasured");
            foreach (var (figure, reason) in report.NotMeasured)
            {
                writer.WriteString(figure, reason);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("failures");
            foreach (var failure in report.Failures)
            {
                writer.WriteStartObject();
                writer.WriteNumber("call", failure.Index);
                writer.WriteString("reason", failure.Failure);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, Math.Round(number, 2));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
