using DvServerless.Core.Live;
using DvServerless.MediaWorker.Live;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Live;

/// <summary>The call board on a fake clock: what a dashboard's snapshot shows after a stream of events.</summary>
public sealed class LiveCallBoardTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly LiveCallBoard _board;

    public LiveCallBoardTests() => _board = new LiveCallBoard(_clock);

    private LiveEvent Event(string type, string callId, string? tenant = "acme") =>
        new() { Type = type, CallId = callId, TenantId = tenant, At = _clock.GetUtcNow() };

    [Fact]
    public void EventsFromBothApps_MakeOneCall_WithTheEarliestStartAndTheLatestState()
    {
        var arrived = _clock.GetUtcNow();
        _board.Record(Event(LiveEventTypes.CallNew, "c1") with { Channel = "acs", From = "+1425***0100" });
        _clock.Advance(TimeSpan.FromSeconds(2));
        _board.Record(Event(LiveEventTypes.CallState, "c1") with { Channel = "acs", State = "Connected" });
        _board.Record(Event(LiveEventTypes.CallMedia, "c1") with { Channel = "acs", Engine = "gpt-realtime", State = "connected" });
        // The Functions app's state change arrives late, stamped before the latest: it must not turn the call back.
        _board.Record(Event(LiveEventTypes.CallState, "c1") with { State = "Answering", At = arrived.AddSeconds(1) });

        var call = Assert.Single(_board.Snapshot(null).Calls);
        Assert.Equal("c1", call.CallId);
        Assert.Equal("acme", call.TenantId);
        Assert.Equal("acs", call.Channel);
        Assert.Equal("+1425***0100", call.From);
        Assert.Equal("gpt-realtime", call.Engine);
        Assert.Equal("Connected", call.State);
        Assert.Equal(arrived, call.StartedAt);
        Assert.Null(call.EndedAt);
    }

    [Fact]
    public void Transcript_KeepsFinalsAndBargeIns_InOrder_WithoutPartialsOrDuplicates()
    {
        _board.Record(Event(LiveEventTypes.CallNew, "c1"));
        _board.Record(Event(LiveEventTypes.Transcript, "c1") with { Speaker = "caller", Text = "Hello", Final = true, ItemId = "i1" });
        _board.Record(Event(LiveEventTypes.Transcript, "c1") with { Speaker = "agent", Text = "Hi th", Final = false, ItemId = "i2" });
        _board.Record(Event(LiveEventTypes.BargeIn, "c1") with { ItemId = "i2", Interrupted = true, ReactionMs = 42.5, HeardMs = 800 });
        _board.Record(Event(LiveEventTypes.Transcript, "c1") with { Speaker = "agent", Text = "Hi there", Final = true, ItemId = "i2", Interrupted = true });
        // The same final again (a retry) replaces the first.
        _board.Record(Event(LiveEventTypes.Transcript, "c1") with { Speaker = "caller", Text = "Hello!", Final = true, ItemId = "i1" });

        var transcript = Assert.Single(_board.Snapshot(null).Calls).Transcript;
        Assert.Equal(
            [(LiveEventTypes.Transcript, "Hello!"), (LiveEventTypes.BargeIn, (string?)null), (LiveEventTypes.Transcript, "Hi there")],
            transcript.Select(e => (e.Type, e.Text)).ToArray());
        Assert.Equal(42.5, transcript[1].ReactionMs);
    }

    [Fact]
    public void Transcript_KeepsTheLast200Segments()
    {
        for (var i = 0; i < LiveCallBoard.MaxTranscriptSegments + 50; i++)
        {
            _board.Record(Event(LiveEventTypes.Transcript, "c1") with { Speaker = "caller", Text = $"line {i}", Final = true, ItemId = $"i{i}" });
        }

        var transcript = Assert.Single(_board.Snapshot(null).Calls).Transcript;
        Assert.Equal(LiveCallBoard.MaxTranscriptSegments, transcript.Count);
        Assert.Equal("line 50", transcript[0].Text);
        Assert.Equal($"line {LiveCallBoard.MaxTranscriptSegments + 49}", transcript[^1].Text);
    }

    [Fact]
    public void Cost_IsTheLatest_AndTheEndKeepsTheFirstReport()
    {
        _board.Record(Event(LiveEventTypes.CallNew, "c1"));
        _board.Record(Event(LiveEventTypes.Cost, "c1") with { CostUsd = 0.012m });
        _board.Record(Event(LiveEventTypes.Cost, "c1") with { CostUsd = 0.034m });
        _clock.Advance(TimeSpan.FromSeconds(30));
        var endedAt = _clock.GetUtcNow();
        _board.Record(Event(LiveEventTypes.CallEnded, "c1") with { State = "CallerHungUp", CostUsd = 0.05m });
        _clock.Advance(TimeSpan.FromSeconds(1));
        // The Functions app reports the same end later; a state change after the end does not revive the call.
        _board.Record(Event(LiveEventTypes.CallEnded, "c1") with { State = "Disconnected" });
        _board.Record(Event(LiveEventTypes.CallState, "c1") with { State = "Connected" });

        var call = Assert.Single(_board.Snapshot(null).Calls);
        Assert.Equal("Ended", call.State);
        Assert.Equal(endedAt, call.EndedAt);
        Assert.Equal(0.05m, call.CostUsd);
    }

    [Fact]
    public void Snapshot_ListsActiveCallsFirst_ThenEndedOnes_NewestFirst()
    {
        _board.Record(Event(LiveEventTypes.CallNew, "old-active"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        _board.Record(Event(LiveEventTypes.CallNew, "ended-first"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        _board.Record(Event(LiveEventTypes.CallNew, "ended-last"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        _board.Record(Event(LiveEventTypes.CallNew, "new-active"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        _board.Record(Event(LiveEventTypes.CallEnded, "ended-first"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        _board.Record(Event(LiveEventTypes.CallEnded, "ended-last"));

        Assert.Equal(["new-active", "old-active", "ended-last", "ended-first"], _board.Snapshot(null).Calls.Select(c => c.CallId).ToArray());
    }

    [Fact]
    public void EndedCalls_LeaveAfterAnHour_AndAtMost200AreKept()
    {
        _board.Record(Event(LiveEventTypes.CallNew, "early"));
        _board.Record(Event(LiveEventTypes.CallEnded, "early"));
        _board.Record(Event(LiveEventTypes.CallNew, "active"));
        _clock.Advance(TimeSpan.FromMinutes(30));
        _board.Record(Event(LiveEventTypes.CallNew, "later"));
        _board.Record(Event(LiveEventTypes.CallEnded, "later"));

        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(["active", "later"], _board.Snapshot(null).Calls.Select(c => c.CallId).ToArray());

        for (var i = 0; i < LiveCallBoard.MaxEndedCalls + 10; i++)
        {
            _board.Record(Event(LiveEventTypes.CallEnded, $"e{i}"));
        }

        var calls = _board.Snapshot(null).Calls;
        Assert.Equal(LiveCallBoard.MaxEndedCalls, calls.Count(c => c.EndedAt is not null));
        Assert.Contains(calls, c => c.CallId == "active");
        Assert.DoesNotContain(calls, c => c.CallId is "later" or "e0" or "e9");
        Assert.Contains(calls, c => c.CallId == "e10");
    }

    [Fact]
    public void Latency_IsNearestRankP50AndP95_OfEachKind()
    {
        // First audio: 1..20 ms over 20 calls → p50 = the 10th, p95 = the 19th.
        for (var i = 1; i <= 20; i++)
        {
            _board.Record(Event(LiveEventTypes.Latency, $"c{i}") with { Turn = 0, FirstAudioMs = 21 - i });
        }

        // End-to-end: turns ≥ 1 only, from Latency.E2eMs; a turn without it counts for nothing.
        foreach (var e2e in new double[] { 900, 300, 600 })
        {
            _board.Record(Event(LiveEventTypes.Latency, "c1") with { Turn = 1, Latency = new TurnLatency(100, 200, 50, e2e) });
        }

        _board.Record(Event(LiveEventTypes.Latency, "c1") with { Turn = 4, Latency = new TurnLatency(100, null, null, null) });
        _board.Record(Event(LiveEventTypes.BargeIn, "c1") with { ItemId = "a", ReactionMs = 35 });

        var latency = _board.Snapshot(null).Latency;
        Assert.Equal(new Percentiles(10, 19, 20), latency.FirstAudio);
        Assert.Equal(new Percentiles(600, 900, 3), latency.EndToEnd);
        Assert.Equal(new Percentiles(35, 35, 1), latency.BargeInReaction);
    }

    [Fact]
    public void Latency_CoversTheLastHourOnly()
    {
        _board.Record(Event(LiveEventTypes.Latency, "c1") with { Turn = 0, FirstAudioMs = 5000 });
        _clock.Advance(TimeSpan.FromMinutes(59));
        _board.Record(Event(LiveEventTypes.Latency, "c2") with { Turn = 0, FirstAudioMs = 400 });
        Assert.Equal(2, _board.Snapshot(null).Latency.FirstAudio.Count);

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new Percentiles(400, 400, 1), _board.Snapshot(null).Latency.FirstAudio);

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new Percentiles(null, null, 0), _board.Snapshot(null).Latency.FirstAudio);
    }

    [Fact]
    public void Snapshot_ForATenant_ShowsOnlyItsCallsAndLatency_TheAdminSeesAll()
    {
        _board.Record(Event(LiveEventTypes.CallNew, "a1", "acme"));
        _board.Record(Event(LiveEventTypes.Latency, "a1", "acme") with { Turn = 0, FirstAudioMs = 100 });
        _board.Record(Event(LiveEventTypes.CallNew, "b1", "globex"));
        _board.Record(Event(LiveEventTypes.Latency, "b1", "globex") with { Turn = 0, FirstAudioMs = 900 });
        _board.Record(Event(LiveEventTypes.CallNew, "n1", tenant: null));

        var acme = _board.Snapshot("acme");
        Assert.Equal(["a1"], acme.Calls.Select(c => c.CallId).ToArray());
        Assert.Equal(new Percentiles(100, 100, 1), acme.Latency.FirstAudio);

        var admin = _board.Snapshot(null);
        Assert.Equal(["a1", "b1", "n1"], admin.Calls.Select(c => c.CallId).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(2, admin.Latency.FirstAudio.Count);
        Assert.Equal(_clock.GetUtcNow(), admin.At);
    }

    [Fact]
    public void Record_IsSafeFromManyThreads()
    {
        Parallel.For(0, 2000, i =>
        {
            var call = $"c{i % 50}";
            _board.Record(Event(LiveEventTypes.Transcript, call) with { Speaker = "caller", Text = "x", Final = true, ItemId = $"i{i}" });
            _board.Record(Event(LiveEventTypes.Latency, call) with { Turn = 1, Latency = new TurnLatency(null, null, null, i) });
            _ = _board.Snapshot(null);
        });

        var snapshot = _board.Snapshot(null);
        Assert.Equal(50, snapshot.Calls.Count);
        Assert.Equal(2000, snapshot.Calls.Sum(c => c.Transcript.Count));
        Assert.Equal(2000, snapshot.Latency.EndToEnd.Count);
    }
}
