using DvServerless.Core.Live;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// The worker's memory of active and recent calls for dashboards: every <see cref="LiveEvent"/> this replica publishes
/// (and every event the Functions app sends through the local REST endpoint to the admin group) is recorded here, and
/// <see cref="Snapshot"/> answers the hub's <c>GetSnapshot</c>.
/// </summary>
/// <remarks>
/// Bounded whatever happens: the ended calls of the last <see cref="Window"/> (at most <see cref="MaxEndedCalls"/>), at
/// most <see cref="MaxActiveCalls"/> active calls, <see cref="MaxTranscriptSegments"/> segments a call and
/// <see cref="MaxLatencySamples"/> latency samples. Windows are measured on the board's own clock when an event is
/// recorded, not on the event's <see cref="LiveEvent.At"/>, so another process's clock cannot keep a call or a sample
/// here longer, and pruning stays a walk from the oldest end.
/// </remarks>
public sealed class LiveCallBoard
{
    /// <summary>How long ended calls and latency samples are kept.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>The most ended calls kept (the oldest go first).</summary>
    public const int MaxEndedCalls = 200;

    /// <summary>The most active calls kept; past it the one quiet the longest goes (its end was lost).</summary>
    public const int MaxActiveCalls = 5000;

    /// <summary>The most transcript segments (and barge-in markers) kept a call; the oldest go first.</summary>
    public const int MaxTranscriptSegments = 200;

    /// <summary>The most latency samples kept over all tenants; the oldest go first.</summary>
    public const int MaxLatencySamples = 50_000;

    private const string EndedState = "Ended";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, BoardCall> _calls = new(StringComparer.Ordinal);
    private readonly Queue<EndedCall> _endedOrder = new();
    private readonly Queue<LatencySample> _samples = new();
    private readonly TimeProvider _time;
    private int _endedCount;

    /// <summary>Creates an empty board.</summary>
    public LiveCallBoard(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <summary>Records <paramref name="liveEvent"/>. Thread-safe; never throws.</summary>
    public void Record(LiveEvent liveEvent)
    {
        ArgumentNullException.ThrowIfNull(liveEvent);
        if (string.IsNullOrEmpty(liveEvent.CallId))
        {
            return;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            var call = CallFor(liveEvent, now);
            call.LastEventAt = now;
            call.TenantId ??= liveEvent.TenantId;
            call.Channel ??= liveEvent.Channel;
            call.Engine = liveEvent.Engine ?? call.Engine;

            switch (liveEvent.Type)
            {
                case LiveEventTypes.CallNew:
                    call.From ??= liveEvent.From;
                    if (liveEvent.At < call.StartedAt)
                    {
                        call.StartedAt = liveEvent.At;
                    }

                    SetState(call, liveEvent.State ?? "Ringing", liveEvent.At);
                    break;
                case LiveEventTypes.CallState when liveEvent.State is not null:
                    SetState(call, liveEvent.State, liveEvent.At);
                    break;
                case LiveEventTypes.Transcript when liveEvent.Final == true:
                    AddSegment(call, liveEvent);
                    break;
                case LiveEventTypes.BargeIn:
                    AddSegment(call, liveEvent);
                    AddSample(LatencyKind.BargeInReaction, call.TenantId, liveEvent.ReactionMs, now);
                    break;
                case LiveEventTypes.Latency when liveEvent.Turn == 0:
                    AddSample(LatencyKind.FirstAudio, call.TenantId, liveEvent.FirstAudioMs, now);
                    break;
                case LiveEventTypes.Latency when liveEvent.Turn >= 1:
                    AddSample(LatencyKind.EndToEnd, call.TenantId, liveEvent.Latency?.E2eMs, now);
                    break;
                case LiveEventTypes.Cost:
                case LiveEventTypes.CallMedia:
                    // The media leg's start names the engine (taken above); its close carries the final cost.
                    call.CostUsd = liveEvent.CostUsd ?? call.CostUsd;
                    break;
                case LiveEventTypes.CallEnded:
                    call.CostUsd = liveEvent.CostUsd ?? call.CostUsd;
                    End(call, liveEvent.At, now);
                    break;
            }
        }
    }

    /// <summary>The calls and latency of <paramref name="tenantId"/>; every tenant's when null (the admin).</summary>
    public LiveSnapshot Snapshot(string? tenantId)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            var visible = _calls.Values.Where(call => tenantId is null || string.Equals(call.TenantId, tenantId, StringComparison.Ordinal));
            var calls = visible
                .OrderBy(call => call.EndedAt is null ? 0 : 1)
                .ThenByDescending(call => call.EndedAt ?? call.StartedAt)
                .Select(call => call.Summary())
                .ToArray();

            var first = new List<double>();
            var endToEnd = new List<double>();
            var bargeIn = new List<double>();
            foreach (var sample in _samples)
            {
                if (tenantId is not null && !string.Equals(sample.TenantId, tenantId, StringComparison.Ordinal))
                {
                    continue;
                }

                (sample.Kind switch
                {
                    LatencyKind.FirstAudio => first,
                    LatencyKind.EndToEnd => endToEnd,
                    _ => bargeIn,
                }).Add(sample.Ms);
            }

            return new LiveSnapshot(calls, new LiveLatencySummary(PercentilesOf(first), PercentilesOf(endToEnd), PercentilesOf(bargeIn)), now);
        }
    }

    // p50 and p95 by nearest rank: the smallest sample with at least p% of the samples at or below it.
    private static Percentiles PercentilesOf(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return new Percentiles(null, null, 0);
        }

        samples.Sort();
        return new Percentiles(NearestRank(samples, 50), NearestRank(samples, 95), samples.Count);
    }

    private static double NearestRank(List<double> sorted, int percent)
    {
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private BoardCall CallFor(LiveEvent liveEvent, DateTimeOffset now)
    {
        if (_calls.TryGetValue(liveEvent.CallId, out var call))
        {
            return call;
        }

        if (_calls.Count - _endedCount >= MaxActiveCalls)
        {
            DropQuietestActiveCall();
        }

        call = new BoardCall(liveEvent.CallId, liveEvent.At) { LastEventAt = now };
        _calls.Add(call.CallId, call);
        return call;
    }

    private static void SetState(BoardCall call, string state, DateTimeOffset at)
    {
        // A late event (the Functions app's "Ringing" after the worker's "Connected") does not turn a call back, and
        // nothing revives an ended call.
        if (call.EndedAt is not null || (call.StateAt is { } last && at < last))
        {
            return;
        }

        call.State = state;
        call.StateAt = at;
    }

    private void End(BoardCall call, DateTimeOffset endedAt, DateTimeOffset now)
    {
        if (call.EndedAt is not null)
        {
            // Both apps report the end: the first one stands.
            return;
        }

        call.EndedAt = endedAt;
        call.State = EndedState;
        call.StateAt = endedAt;
        _endedCount++;
        _endedOrder.Enqueue(new EndedCall(call.CallId, now));
        while (_endedCount > MaxEndedCalls && _endedOrder.TryDequeue(out var oldest))
        {
            Forget(oldest.CallId);
        }
    }

    private static void AddSegment(BoardCall call, LiveEvent liveEvent)
    {
        var segments = call.Transcript;
        if (liveEvent.ItemId is not null)
        {
            // The same final (or marker) sent again replaces the first one instead of showing twice.
            var index = segments.FindIndex(s => s.Type == liveEvent.Type && s.ItemId == liveEvent.ItemId && s.Speaker == liveEvent.Speaker);
            if (index >= 0)
            {
                segments[index] = liveEvent;
                return;
            }
        }

        segments.Add(liveEvent);
        if (segments.Count > MaxTranscriptSegments)
        {
            segments.RemoveRange(0, segments.Count - MaxTranscriptSegments);
        }
    }

    private void AddSample(LatencyKind kind, string? tenantId, double? ms, DateTimeOffset now)
    {
        if (ms is not { } value || !double.IsFinite(value) || value < 0)
        {
            return;
        }

        _samples.Enqueue(new LatencySample(kind, tenantId, value, now));
        while (_samples.Count > MaxLatencySamples)
        {
            _samples.Dequeue();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        var oldest = now - Window;
        while (_samples.TryPeek(out var sample) && sample.RecordedAt < oldest)
        {
            _samples.Dequeue();
        }

        while (_endedOrder.TryPeek(out var ended) && ended.RecordedAt < oldest)
        {
            _endedOrder.Dequeue();
            Forget(ended.CallId);
        }
    }

    private void Forget(string callId)
    {
        if (_calls.Remove(callId, out var call) && call.EndedAt is not null)
        {
            _endedCount--;
        }
    }

    private void DropQuietestActiveCall()
    {
        BoardCall? quietest = null;
        foreach (var call in _calls.Values)
        {
            if (call.EndedAt is null && (quietest is null || call.LastEventAt < quietest.LastEventAt))
            {
                quietest = call;
            }
        }

        if (quietest is not null)
        {
            _calls.Remove(quietest.CallId);
        }
    }

    private enum LatencyKind
    {
        FirstAudio,
        EndToEnd,
        BargeInReaction,
    }

    private readonly record struct LatencySample(LatencyKind Kind, string? TenantId, double Ms, DateTimeOffset RecordedAt);

    private readonly record struct EndedCall(string CallId, DateTimeOffset RecordedAt);

    private sealed class BoardCall(string callId, DateTimeOffset startedAt)
    {
        public string CallId { get; } = callId;

        public string? TenantId { get; set; }

        public string? Channel { get; set; }

        public string? From { get; set; }

        public string State { get; set; } = "Ringing";

        public DateTimeOffset? StateAt { get; set; }

        public string? Engine { get; set; }

        public DateTimeOffset StartedAt { get; set; } = startedAt;

        public DateTimeOffset? EndedAt { get; set; }

        public DateTimeOffset LastEventAt { get; set; }

        public decimal CostUsd { get; set; }

        public List<LiveEvent> Transcript { get; } = [];

        public LiveCallSummary Summary() =>
            new(CallId, TenantId, Channel, From, State, Engine, StartedAt, EndedAt, CostUsd, Transcript.ToArray());
    }
}
