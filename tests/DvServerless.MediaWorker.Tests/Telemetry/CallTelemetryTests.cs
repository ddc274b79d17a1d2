using DvServerless.Core.Calls;
using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.Core.Live;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Telemetry;
using DvServerless.MediaWorker.Tests.Calls;
using DvServerless.MediaWorker.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.Extensions.Logging;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Telemetry;

/// <summary>
/// A call loop on a fake clock with its <see cref="CallTelemetry"/>: what the dvgw_ metrics record, what dashboards are
/// sent and what the summary line says, for turns, barge-ins, cost and the end of a call.
/// </summary>
public sealed class CallTelemetryTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly VoiceMetrics _metrics;
    private readonly MeasurementRecorder _measurements;
    private readonly RecordingLiveEventPublisher _live = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public CallTelemetryTests()
    {
        _metrics = new VoiceMetrics(_meters);
        _measurements = new MeasurementRecorder(_meters.Made);
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs));
    }

    public void Dispose()
    {
        _measurements.Dispose();
        _meters.Dispose();
        _loggers.Dispose();
    }

    [Fact]
    public async Task A_turn_is_timed_stage_by_stage_from_the_moment_the_caller_stopped_speaking()
    {
        await using var call = Harness();
        await call.EmitAsync(new CallerSpeechStopped(2000, "caller-1"));
        await call.AdvanceAsync(300);
        await call.EmitAsync(new CallerTranscript("caller-1", "Where is my order?"));
        await call.AdvanceAsync(200);
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentTranscriptDelta("resp-1", "item-1", "It is "));
        await call.AdvanceAsync(40);
        await call.EmitAsync(new AgentAudioDelta("resp-1", "item-1", 0, Audio(400, 0x11)));

        Assert.Equal([300.0], _measurements.Values("dvgw_stt_latency_ms"));
        Assert.Equal([200.0 + 300], _measurements.Values("dvgw_llm_ttft_ms"));
        Assert.Equal([40.0], _measurements.Values("dvgw_tts_latency_ms"));
        Assert.Equal([540.0], _measurements.Values("dvgw_e2e_latency_ms"));
        // The agent's first audio of the call: 540 ms after media and the engine were up.
        Assert.Equal([540.0], _measurements.Values("dvgw_first_audio_ms"));

        var latency = _live.OfType(LiveEventTypes.Latency);
        Assert.Equal((0, 540.0), (latency[0].Turn!.Value, latency[0].FirstAudioMs!.Value));
        Assert.Equal(1, latency[1].Turn);
        Assert.Equal(new TurnLatency(300, 500, 40, 540), latency[1].Latency);

        var tags = Assert.Single(_measurements.Measurements, m => m.Instrument == "dvgw_e2e_latency_ms").Tags;
        Assert.Equal(("tenant-a", "acs", "scripted"), ((string)tags["tenant"]!, (string)tags["channel"]!, (string)tags["engine"]!));
    }

    [Fact]
    public async Task Dashboards_see_the_media_leg_connect_with_its_engine_and_close_with_its_length_and_cost()
    {
        await using var call = Harness(cost: new CallCost(new PricingOptions()));
        await call.AdvanceAsync(1000);
        // 1,000 audio-in and 2,000 audio-out tokens of gpt-realtime: 1000 × $32/1M + 2000 × $64/1M = $0.16.
        await call.EmitAsync(new EngineUsageReported(new EngineUsage { Responses = 1, InputAudioTokens = 1000, OutputAudioTokens = 2000 }, "gpt-realtime"));
        Assert.Equal(CallEndReason.LegClosed, await call.EndAsync());

        // The session's call:new and call:ended are the session store's (one each per call, whichever app moves it).
        Assert.Empty(_live.OfType(LiveEventTypes.CallNew));
        Assert.Empty(_live.OfType(LiveEventTypes.CallEnded));
        var media = _live.OfType(LiveEventTypes.CallMedia);
        Assert.Equal(2, media.Count);
        var started = media[0];
        Assert.Equal(("call-1", "tenant-a", "acs", "scripted", "connected"), (started.CallId, started.TenantId, started.Channel, started.Engine, started.State));
        // Parties travel with call:new only.
        Assert.Null(started.From);

        Assert.Equal(0.16m, Assert.Single(_live.OfType(LiveEventTypes.Cost)).CostUsd);
        Assert.Equal([0.16], _measurements.Values("dvgw_cost_usd").Select(v => Math.Round(v, 6)));
        var closed = media[1];
        Assert.Equal(("closed", "LegClosed", 0.16m, 1000L), (closed.State, closed.Code, closed.CostUsd, closed.DurationMs));
        Assert.Same(closed, _live.Events[^1]);

        // The cost is the call's record too (the minutes read it from there).
        var cost = Assert.Single(call.Sink.Entries, e => e.Kind == "cost");
        Assert.Equal(0.16m, cost.CostUsd);
        Assert.Equal([1.0, -1.0], _measurements.Values("dvgw_active_calls"));
        var summary = Assert.Single(_logs.Messages, m => m.Contains("summary", StringComparison.Ordinal));
        Assert.Contains("cost $0.1600", summary, StringComparison.Ordinal);
        Assert.Contains("ended LegClosed", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_barge_in_shows_what_the_caller_heard_not_what_was_generated()
    {
        await using var call = Harness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(2000, 0x11)),
            new AgentTranscriptDone("resp-1", "item-1", "one two three four five six seven eight"));
        await call.AdvanceAsync(500);
        await call.EmitAsync(new CallerSpeechStarted(4200, "caller-2"));

        var bargeIn = Assert.Single(_live.OfType(LiveEventTypes.BargeIn));
        Assert.Equal(("item-1", 500, true), (bargeIn.ItemId, bargeIn.HeardMs!.Value, bargeIn.Interrupted!.Value));
        Assert.NotNull(bargeIn.ReactionMs);
        Assert.Single(_measurements.Values("dvgw_bargein_reaction_ms"));

        var agent = Assert.Single(_live.OfType(LiveEventTypes.Transcript), e => e.Speaker == "agent");
        Assert.Equal((true, true), (agent.Final!.Value, agent.Interrupted!.Value));
        Assert.Equal("one two", agent.Text); // a quarter of the audio was heard: a quarter of the text, back to a word
        Assert.Equal([1L], _measurements.Values("dvgw_transcripts").Select(v => (long)v));
    }

    [Fact]
    public async Task Agent_text_streams_as_partials_no_more_often_than_four_times_a_second()
    {
        await using var call = Harness();
        for (var i = 0; i < 10; i++)
        {
            await call.EmitAsync(new AgentTranscriptDelta("resp-1", "item-1", $"w{i} "));
            await call.AdvanceAsync(50);
        }

        var partials = _live.OfType(LiveEventTypes.Transcript);
        Assert.InRange(partials.Count, 2, 3); // 500 ms of deltas every 50 ms
        Assert.All(partials, p => Assert.False(p.Final));
        Assert.StartsWith("w0 w1", partials[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Engine_errors_and_failed_tools_are_counted_and_shown()
    {
        await using var call = Harness();
        await call.EmitAsync(new EngineError("rate_limit_exceeded", "Slow down."), new ToolCallRequested("call-7", "no_such_tool", "{}"));

        Assert.Equal(2, _measurements.Values("dvgw_errors").Count);
        Assert.Equal(["rate_limit_exceeded", "tool_failed"], _live.OfType(LiveEventTypes.Error).Select(e => e.Code!).ToArray());
        Assert.Equal("no_such_tool", Assert.Single(_live.OfType(LiveEventTypes.ToolCall)).Tool);
    }

    [Fact]
    public async Task An_observer_that_throws_is_dropped_for_the_call_and_the_call_goes_on()
    {
        var throwing = new ThrowingObserver();
        await using var call = new CallLoopHarness(observer: time => new CallLoopObservers(
            [throwing, new CallTelemetry(Context(), _metrics, _live, time, _loggers.CreateLogger<CallTelemetry>())], "call-1", _loggers.CreateLogger("test")));
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, 0x11)));
        await call.AdvanceAsync(300);

        Assert.Equal(1, throwing.Calls);
        Assert.NotEmpty(call.Leg.Frames);
        Assert.Single(_live.OfType(LiveEventTypes.CallMedia));
        Assert.Contains(_logs.Messages, m => m.Contains("observer ThrowingObserver failed", StringComparison.Ordinal));
    }

    private CallLoopHarness Harness(CallCost? cost = null) =>
        new(observer: time => new CallTelemetry(Context(), _metrics, _live, time, _loggers.CreateLogger<CallTelemetry>()), cost: cost);

    private static CallContext Context() => new("call-1", CallChannel.Acs, "tenant-a", "4:+14255550123", "4:+14255550100");

    private sealed class ThrowingObserver : ICallLoopObserver
    {
        public int Calls { get; private set; }

        public void OnStarted(CallLoopStarted started)
        {
            Calls++;
            throw new InvalidOperationException("broken dashboard feed");
        }

        public void OnEngineEvent(EngineEvent engineEvent) => Calls++;
    }
}
