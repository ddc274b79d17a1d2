using System.Diagnostics;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Telemetry;
using DvServerless.Testing.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Telemetry;

/// <summary>
/// The worker's spans of one call, from a scripted sequence of call-loop hooks on a fake clock. One class, so its tests
/// (which listen to the process-wide source, or need nobody to) never run at the same time, nor with the worker apps of
/// <see cref="WorkerTelemetryTests"/> whose exporters listen to it.
/// </summary>
[Collection(WorkerTelemetryTests.ListenerCollection)]
public sealed class CallTraceObserverTests
{
    // A traceparent as the Functions app stores it: version 00, trace id, span id of its call.incoming span, sampled.
    private const string StoredTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string Caller = "4:+14255550123";
    private const string Called = "4:+18005550199";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_call_is_one_media_span_in_the_stored_trace_with_its_turns_tool_and_barge_in_as_children()
    {
        using var spans = new SpanCollector(CallTraceSource.Name);
        var callId = NewCallId();
        var context = new CallContext(callId, CallChannel.Acs, "contoso", Caller, Called, StoredTraceParent);
        var observer = new CallTraceObserverFactory(_time).Create(context);
        Assert.NotNull(observer);
        var startedAt = _time.GetUtcNow();

        observer.OnStarted(new CallLoopStarted(callId, AudioFormat.Pcm24k, "realtime", startedAt));
        // The greeting plays before the caller says anything: not a turn.
        observer.OnAgentAudioStarted("greeting", Advance(40));

        // Turn 1: stop → transcript after 200 ms → first agent audio 650 ms after the stop.
        Advance(3000);
        observer.OnEngineEvent(new CallerSpeechStopped(3000, "c1"));
        var turn1Start = _time.GetUtcNow();
        Advance(200);
        observer.OnEngineEvent(new CallerTranscript("c1", "What time is it?"));
        Advance(250);
        for (var i = 0; i < 50; i++)
        {
            // Audio deltas are not turns, nor anything else.
            observer.OnEngineEvent(new AgentAudioDelta("r1", "a1", 0, new byte[960]));
        }

        observer.OnAgentAudioStarted("a1", Advance(200));

        // The caller cuts the agent off 400 ms later; the stop of playback is sent 12.5 ms after the signal.
        Advance(400);
        observer.OnEngineEvent(new CallerSpeechStarted(4100, "c2"));
        var bargeInAt = _time.GetUtcNow();
        observer.OnBargeIn(new CallBargeIn("a1", 380, 12.5, bargeInAt));

        // The caller pauses, goes on (not yet a turn), stops again: turn 2 runs from that last stop.
        Advance(800);
        observer.OnEngineEvent(new CallerSpeechStopped(4900, "c2"));
        Advance(300);
        observer.OnEngineEvent(new CallerSpeechStarted(5200, "c3"));
        Advance(700);
        observer.OnEngineEvent(new CallerSpeechStopped(5900, "c3"));
        var turn2Start = _time.GetUtcNow();
        Advance(100);
        observer.OnEngineEvent(new ToolCallRequested("t1", "lookup_order", "{}"));
        Advance(150);
        observer.OnToolCompleted(new ToolCallRequested("t1", "lookup_order", "{}"), TimeSpan.FromMilliseconds(150), failed: true);
        observer.OnAgentAudioStarted("a2", Advance(300));
        observer.OnCostChanged(0.0123m, 0.0123m);

        Advance(1000);
        observer.OnEnding(CallEndReason.LegClosed);
        observer.OnCompleted(CallEndReason.LegClosed);
        var endedAt = _time.GetUtcNow();

        var callSpans = spans.Tagged(CallTraceSource.CallIdTag, callId);
        var media = Assert.Single(callSpans, s => s.OperationName == CallTraceSource.MediaSpan);
        Assert.Equal(ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"), media.TraceId);
        Assert.Equal(ActivitySpanId.CreateFromString("00f067aa0ba902b7"), media.ParentSpanId);
        Assert.Equal(startedAt.UtcDateTime, media.StartTimeUtc);
        Assert.Equal(endedAt - startedAt, media.Duration);
        Assert.Equal("acs", media.GetTagItem(CallTraceSource.ChannelTag));
        Assert.Equal("contoso", media.GetTagItem(CallTraceSource.TenantTag));
        Assert.Equal("realtime", media.GetTagItem(CallTraceSource.EngineTag));
        Assert.Equal("LegClosed", media.GetTagItem(CallTraceSource.EndReasonTag));
        Assert.Equal(2, media.GetTagItem(CallTraceSource.TurnsTag));
        Assert.Equal(0.0123, media.GetTagItem(CallTraceSource.CostTag));

        var children = callSpans.Where(s => s != media).ToList();
        Assert.All(children, child =>
        {
            Assert.Equal(media.TraceId, child.TraceId);
            Assert.Equal(media.SpanId, child.ParentSpanId);
        });

        var turns = children.Where(s => s.OperationName == CallTraceSource.TurnSpan).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, turns.Count);
        Assert.Equal((1, turn1Start.UtcDateTime, TimeSpan.FromMilliseconds(650)), ((int)turns[0].GetTagItem(CallTraceSource.TurnNumberTag)!, turns[0].StartTimeUtc, turns[0].Duration));
        Assert.Equal(650.0, turns[0].GetTagItem(CallTraceSource.TurnLatencyTag));
        Assert.Equal(200.0, turns[0].GetTagItem(CallTraceSource.TurnSttTag));
        Assert.Equal("a1", turns[0].GetTagItem(CallTraceSource.ItemIdTag));
        Assert.Equal((2, turn2Start.UtcDateTime, TimeSpan.FromMilliseconds(550)), ((int)turns[1].GetTagItem(CallTraceSource.TurnNumberTag)!, turns[1].StartTimeUtc, turns[1].Duration));
        Assert.Null(turns[1].GetTagItem(CallTraceSource.TurnSttTag));

        var tool = Assert.Single(children, s => s.OperationName == CallTraceSource.ToolSpan);
        Assert.Equal("lookup_order", tool.GetTagItem(CallTraceSource.ToolNameTag));
        Assert.Equal(true, tool.GetTagItem(CallTraceSource.ToolFailedTag));
        Assert.Equal(ActivityStatusCode.Error, tool.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(150), tool.Duration);
        Assert.Equal((turn2Start + TimeSpan.FromMilliseconds(100)).UtcDateTime, tool.StartTimeUtc);

        var bargeIn = Assert.Single(children, s => s.OperationName == CallTraceSource.BargeInSpan);
        Assert.Equal(bargeInAt.UtcDateTime, bargeIn.StartTimeUtc);
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), bargeIn.Duration);
        Assert.Equal(380, bargeIn.GetTagItem(CallTraceSource.HeardTag));
        Assert.Equal(12.5, bargeIn.GetTagItem(CallTraceSource.ReactionTag));

        Assert.Equal(5, callSpans.Count);
        // The parties are never in a span.
        Assert.DoesNotContain(callSpans.SelectMany(s => s.TagObjects), tag => tag.Value is string text && (text.Contains("+1425", StringComparison.Ordinal) || text.Contains("+1800", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_a_stored_trace_the_call_is_a_root_of_its_own_and_the_ambient_span_is_left_alone()
    {
        using var spans = new SpanCollector(CallTraceSource.Name, "Tests.Ambient");
        using var ambientSource = new ActivitySource("Tests.Ambient");
        // What the loop's control task may carry: the span of the request that opened the call's socket.
        using var ambient = ambientSource.StartActivity("GET /media/acs");
        Assert.NotNull(ambient);
        var callId = NewCallId();
        var observer = new CallTraceObserverFactory(_time).Create(new CallContext(callId, CallChannel.Browser));
        Assert.NotNull(observer);

        observer.OnStarted(new CallLoopStarted(callId, AudioFormat.Pcm24k, "offline", _time.GetUtcNow()));
        Assert.Same(ambient, Activity.Current);
        observer.OnEngineEvent(new CallerSpeechStopped(100, "c1"));
        observer.OnAgentAudioStarted("a1", Advance(400));
        Assert.Same(ambient, Activity.Current);
        observer.OnCompleted(CallEndReason.EngineClosed);
        Assert.Same(ambient, Activity.Current);

        var callSpans = spans.Tagged(CallTraceSource.CallIdTag, callId);
        var media = Assert.Single(callSpans, s => s.OperationName == CallTraceSource.MediaSpan);
        Assert.Equal(default, media.ParentSpanId);
        Assert.NotEqual(ambient.TraceId, media.TraceId);
        Assert.Equal("browser", media.GetTagItem(CallTraceSource.ChannelTag));
        Assert.Null(media.GetTagItem(CallTraceSource.TenantTag));
        var turn = Assert.Single(callSpans, s => s.OperationName == CallTraceSource.TurnSpan);
        Assert.Equal(media.SpanId, turn.ParentSpanId);
    }

    [Fact]
    public void A_call_that_never_started_leaves_no_span()
    {
        using var spans = new SpanCollector(CallTraceSource.Name);
        var callId = NewCallId();
        var observer = new CallTraceObserverFactory(_time).Create(new CallContext(callId, CallChannel.Acs, TraceParent: StoredTraceParent));
        Assert.NotNull(observer);

        // The leg closed before media: the loop reports its end only.
        observer.OnEnding(CallEndReason.LegClosed);
        observer.OnCompleted(CallEndReason.LegClosed);

        Assert.Empty(spans.Tagged(CallTraceSource.CallIdTag, callId));
    }

    [Fact]
    public void With_nobody_listening_there_is_no_observer()
    {
        Assert.False(CallTraceSource.Source.HasListeners());

        Assert.Null(new CallTraceObserverFactory(_time).Create(new CallContext(NewCallId(), CallChannel.Acs, TraceParent: StoredTraceParent)));
    }

    private DateTimeOffset Advance(int milliseconds)
    {
        _time.Advance(TimeSpan.FromMilliseconds(milliseconds));
        return _time.GetUtcNow();
    }

    private static string NewCallId() => "trace-" + Guid.NewGuid().ToString("N");
}
