using System.Globalization;
using Spectre.Console;

namespace DvServerless.Cli.Load;

/// <summary>Prints a <see cref="LoadReport"/> as a short table of figures and the failed calls' reasons.</summary>
public static class LoadReportPrinter
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="console"/>.</summary>
    public static void Print(IAnsiConsole console, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table().Border(TableBorder.Simple).AddColumn("figure").AddColumn("value");
        Row(table, "engine", report.EngineDescription.StartsWith(report.Engine, StringComparison.OrdinalIgnoreCase) ? report.EngineDescription
            : report.EngineDescription.Length > 0 ? $"{report.Engine}: {report.EngineDescription}" : report.Engine);
        Row(table, "calls", $"{report.Calls} placed, {report.Completed} completed, {report.Failed} failed ({Seconds(report.Elapsed)} s)");
        Row(table, "frame jitter at the caller", $"p50 {Ms(report.Jitter.P50)}  p95 {Ms(report.Jitter.P95)}  p99 {Ms(report.Jitter.P99)}  ({report.Jitter.Intervals:N0} intervals)");
        Row(table, "gateway latency per frame", $"p50 {Ms(report.GatewayLatency.P50)}  p99 {Ms(report.GatewayLatency.P99)}  ({report.GatewayLatency.Frames:N0} frames)");
        Row(table, "worker floor (a worker thread's wake-up lateness)", $"p50 {Ms(report.WorkerWakeLateness.P50)}  p99 {Ms(report.WorkerWakeLateness.P99)}");
        Row(table, "barge-in reaction (worker)", $"p99 {Ms(report.BargeInReaction.P99)}  ({report.BargeInReaction.Count} barge-ins)");
        Row(table, "barge-in reaction (caller, VAD incl.)", $"p50 {Ms(report.CallerBargeInReaction.P50)}  p99 {Ms(report.CallerBargeInReaction.P99)}");
        Row(table, "answer latency (caller: end of line → agent audio)", $"p50 {Ms(report.AnswerLatency.P50)}  p99 {Ms(report.AnswerLatency.P99)}  ({report.AnswerLatency.Count} answers)");
        Row(table, "agent answers to what the caller said", report.AgentAnswers is { } answers
            ? $"{answers.Understood} of {answers.Answers}" + (answers.Understood < answers.Answers ? " (the rest: the responder's say-back of a line it did not understand)" : string.Empty)
            : "–");
        Row(table, report.CpuAllCallsUp ? "worker CPU (all calls up)" : "worker CPU (whole run: never all calls up)", report.CpuPercent is { } cpu
            ? $"{Number(cpu)} % of one core of {report.Cores} → {Number(report.CpuPercentPerCall)} % per call"
            : "not measured");
        Row(table, "worker resident memory", $"{Number(report.RssMb.Baseline)} MB before calls, {Number(report.RssMb.Peak)} MB peak → {Number(report.RssMbPerCall)} MB per call");
        Row(table, "worker GC pauses", $"p99 {Ms(report.GcPause.P99)}  longest ≤ {Ms(report.GcPause.Longest)}  ({report.GcPause.Count} pauses; {Number(report.AllocatedKbPerCallSecond)} KB allocated per call per second)");
        Row(table, "worker threads (peak)", $"{report.Threads} OS threads, {report.PoolThreads} pool threads, pool queue peak {report.PoolQueuePeak}, " +
            (report.StarvationInjections is { } injections ? $"{injections} starvation injections" : "starvation not counted (--count-starvation)"));
        Row(table, "load harness (simulators, Functions app, callers)", $"CPU {Number(report.HarnessCpuPercent)} % of one core, GC pause p99 {Ms(report.HarnessGcPauseP99)}");
        Row(table, "harness floor (a harness thread's wake-up lateness)", $"p50 {Ms(report.HarnessWakeLateness.P50)}  p99 {Ms(report.HarnessWakeLateness.P99)}  longest {Ms(report.HarnessWakeLateness.Max)}");
        if (report.Memory.Count > 0)
        {
            var first = report.Memory[0];
            var last = report.Memory[^1];
            var slope = report.HeapSlopeMbPerHour is { } mbPerHour ? $"heap slope {Number(mbPerHour)} MB/h while all calls were up, " : string.Empty;
            Row(table, "worker memory over time", $"{slope}RSS {Number(first.RssMb)} → {Number(last.RssMb)} MB ({report.Memory.Count} samples), {report.PooledBuffersLeaked ?? 0} audio buffers not returned");
        }

        console.Write(table);
        console.MarkupLine("[grey]The worker runs in its own process: CPU, memory, GC and threads are the worker's, read from the OS and its /metrics. Jitter is measured by the callers in the harness, so a harness GC pause counts in it, and it cannot be lower than the harness floor.[/]");
        foreach (var (figure, reason) in report.NotMeasured)
        {
            console.MarkupLine($"[grey]{Markup.Escape(figure)} not measured: {Markup.Escape(reason)}[/]");
        }

        foreach (var failure in report.Failures)
        {
            console.MarkupLine($"[red]call {failure.Index} failed:[/] {Markup.Escape(failure.Failure ?? string.Empty)}");
        }
    }

    private static void Row(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

    private static string Ms(double? value) => value is { } ms ? ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms" : "–";

    private static string Number(double? value) => value is { } number ? number.ToString("0.0", CultureInfo.InvariantCulture) : "–";

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}
