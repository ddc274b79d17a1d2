using System.Text.Json;
using DvServerless.Cli.Load;

namespace DvServerless.Cli.Tests.Load;

public sealed class LoadReportJsonTests
{
    [Fact]
    public void TheJson_HasExactlyTheDocumentedShape_InOrder()
    {
        using var json = JsonDocument.Parse(LoadReportJson.Write(Report()));
        var root = json.RootElement;

        Assert.Equal(
            ["engine", "calls", "completed", "failed", "jitterMs", "gatewayLatencyMs", "wakeLatenessMs", "bargeInReactionMs", "answerLatencyMs", "agentAnswers", "cpuPercentPerCall", "rssMbPerCall", "gcPauseMsP99", "allocatedKbPerCallSecond", "threads", "poolThreads", "threadPoolStarvations", "heapSlopeMbPerHour", "pooledBuffersLeaked", "harness", "memory", "notMeasured", "failures"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["p50", "p95", "p99"], root.GetProperty("jitterMs").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["p50", "p99"], root.GetProperty("gatewayLatencyMs").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["p99"], root.GetProperty("bargeInReactionMs").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["p50", "p99"], root.GetProperty("wakeLatenessMs").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(0.2, root.GetProperty("wakeLatenessMs").GetProperty("p50").GetDouble());
        Assert.Equal(2.5, root.GetProperty("wakeLatenessMs").GetProperty("p99").GetDouble());

        Assert.Equal("offline", root.GetProperty("engine").GetString());
        Assert.Equal(100, root.GetProperty("calls").GetInt32());
        Assert.Equal(99, root.GetProperty("completed").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        Assert.Equal(1.23, root.GetProperty("jitterMs").GetProperty("p50").GetDouble());
        Assert.Equal(4.57, root.GetProperty("jitterMs").GetProperty("p95").GetDouble());
        Assert.Equal(9.99, root.GetProperty("jitterMs").GetProperty("p99").GetDouble());
        Assert.Equal(0.5, root.GetProperty("gatewayLatencyMs").GetProperty("p50").GetDouble());
        Assert.Equal(3, root.GetProperty("gatewayLatencyMs").GetProperty("p99").GetDouble());
        Assert.Equal(12.25, root.GetProperty("bargeInReactionMs").GetProperty("p99").GetDouble());
        Assert.Equal(["p50", "p99"], root.GetProperty("answerLatencyMs").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(812.5, root.GetProperty("answerLatencyMs").GetProperty("p50").GetDouble());
        Assert.Equal(1490.13, root.GetProperty("answerLatencyMs").GetProperty("p99").GetDouble());
        Assert.Equal(["understood", "answers"], root.GetProperty("agentAnswers").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(290, root.GetProperty("agentAnswers").GetProperty("understood").GetInt32());
        Assert.Equal(300, root.GetProperty("agentAnswers").GetProperty("answers").GetInt32());
        Assert.Equal(0.85, root.GetProperty("cpuPercentPerCall").GetDouble());
        Assert.Equal(1.5, root.GetProperty("rssMbPerCall").GetDouble());
        Assert.Equal(7.5, root.GetProperty("gcPauseMsP99").GetDouble());
        Assert.Equal(12.5, root.GetProperty("allocatedKbPerCallSecond").GetDouble());
        Assert.Equal(57, root.GetProperty("threads").GetInt32());
        Assert.Equal(20, root.GetProperty("poolThreads").GetInt32());
        Assert.Equal(3, root.GetProperty("threadPoolStarvations").GetInt32());
        Assert.Equal(-1.25, root.GetProperty("heapSlopeMbPerHour").GetDouble());
        Assert.Equal(0, root.GetProperty("pooledBuffersLeaked").GetInt64());
        Assert.Equal(["cpuPercent", "gcPauseMsP99", "wakeLatenessMs"], root.GetProperty("harness").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(61.2, root.GetProperty("harness").GetProperty("cpuPercent").GetDouble());
        Assert.Equal(4.25, root.GetProperty("harness").GetProperty("gcPauseMsP99").GetDouble());
        var wake = root.GetProperty("harness").GetProperty("wakeLatenessMs");
        Assert.Equal(["p50", "p99", "max"], wake.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(0.08, wake.GetProperty("p50").GetDouble());
        Assert.Equal(1.77, wake.GetProperty("p99").GetDouble());
        Assert.Equal(4.14, wake.GetProperty("max").GetDouble());
        var sample = Assert.Single(root.GetProperty("memory").EnumerateArray());
        Assert.Equal(["atSeconds", "rssMb", "gcHeapMb", "gen2Collections", "liveCalls", "pooledBuffersOutstanding"], sample.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(412.5, sample.GetProperty("rssMb").GetDouble());
        Assert.Empty(root.GetProperty("notMeasured").EnumerateObject());
        var failure = Assert.Single(root.GetProperty("failures").EnumerateArray());
        Assert.Equal(17, failure.GetProperty("call").GetInt32());
        Assert.Equal("media socket closed by app (InternalServerError )", failure.GetProperty("reason").GetString());
    }

    [Fact]
    public void FiguresNotMeasured_AreNull_NotZero()
    {
        var report = Report() with
        {
            BargeInReaction = (null, 0),
            CpuPercent = null,
            CpuPercentPerCall = null,
            GcPause = (null, null, 0),
            HarnessGcPauseP99 = null,
            HarnessWakeLateness = (null, null, null),
            WorkerWakeLateness = (null, null),
            AgentAnswers = null,
            NotMeasured = new Dictionary<string, string> { ["gcPauseMsP99"] = "the worker collected no garbage during the run" },
        };
        using var json = JsonDocument.Parse(LoadReportJson.Write(report));
        var root = json.RootElement;

        Assert.Equal(JsonValueKind.Null, root.GetProperty("agentAnswers").ValueKind);
        Assert.Equal("the worker collected no garbage during the run", root.GetProperty("notMeasured").GetProperty("gcPauseMsP99").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("bargeInReactionMs").GetProperty("p99").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cpuPercentPerCall").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("gcPauseMsP99").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("harness").GetProperty("gcPauseMsP99").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("harness").GetProperty("wakeLatenessMs").GetProperty("p99").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("wakeLatenessMs").GetProperty("p99").ValueKind);
    }

    private static LoadReport Report() => new()
    {
        Engine = "offline",
        Calls = 100,
        Completed = 99,
        Failed = 1,
        Failures = [new LoadCallOutcome(17, "media socket closed by app (InternalServerError )", 40, 20)],
        Jitter = (1.234, 4.567, 9.99, 12_000),
        GatewayLatency = (0.5, 3.0, 13_000),
        WorkerWakeLateness = (0.2, 2.5),
        BargeInReaction = (12.25, 30),
        CallerBargeInReaction = (60, 80),
        AnswerLatency = (812.5, 1490.126, 300),
        AgentAnswers = (290, 300),
        CpuPercent = 85,
        CpuPercentPerCall = 0.85,
        RssMbPerCall = 1.5,
        RssMb = (120, 270),
        GcPause = (7.5, 9, 40),
        Threads = 57,
        PoolThreads = 20,
        PoolQueuePeak = 3,
        StarvationInjections = 3,
        AllocatedKbPerCallSecond = 12.5,
        HarnessCpuPercent = 61.2,
        HarnessGcPauseP99 = 4.25,
        HarnessWakeLateness = (0.08, 1.771, 4.14),
        Cores = 2,
        Elapsed = TimeSpan.FromSeconds(70),
        Memory = [new MemorySample(60, 412.5, 96.1, 3, 100, 12)],
        HeapSlopeMbPerHour = -1.25,
        PooledBuffersLeaked = 0,
    };
}
