using DvServerless.Core.Calls;
using DvServerless.Core.Records;
using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Calls;

/// <summary>
/// Joins what the gateway recorded (session document, call record) with what the ACS simulator measured at the
/// caller's end (audio heard, StopAudio flushes) into one <see cref="CallSummary"/>.
/// </summary>
public static class CallSummaryBuilder
{
    /// <summary>Builds the summary.</summary>
    public static CallSummary Build(string callId, LocalStack.LocalStack stack, SimulatedCallResult result, CallSession? session,
        IReadOnlyList<CallRecordEntry> records, string? agentWav)
    {
        var bargeInRecords = records.Where(r => r.Kind == "barge-in").ToList();
        var bargeIns = new List<CallBargeIn>();
        for (var i = 0; i < bargeInRecords.Count; i++)
        {
            var record = bargeInRecords[i];
            // The n-th barge-in of the worker is the n-th StopAudio the caller's side received.
            var itemStartMs = records.FirstOrDefault(r => r.Kind == "turn" && r.Interrupted && r.ItemId == record.ItemId)?.StartMs;
            long? nextItemStartMs = itemStartMs is { } itemStart
                ? records.Where(r => r.Kind == "turn" && r.Speaker == "agent" && r.StartMs > itemStart).Select(r => (long?)r.StartMs).Min()
                : null;
            var stop = i < result.StopAudios.Count ? result.StopAudios[i] : null;
            bargeIns.Add(new CallBargeIn
            {
                AtMs = record.StartMs,
                ItemId = record.ItemId,
                TruncateAudioEndMs = record.AudioEndMs,
                SentMs = record.SentMs,
                ProducedMs = record.ReceivedMs,
                CallerHeardMs = itemStartMs is { } start ? (int)Math.Round(HeardOfItem(result, start, nextItemStartMs)) : null,
                FlushedMs = stop is null ? null : (int)Math.Round(stop.FlushedMs),
            });
        }

        var engine = records.Select(r => r.Engine).FirstOrDefault(e => !string.IsNullOrEmpty(e))
            ?? (stack.Realtime is null ? "openai-realtime" : "realtime-simulator");
        // Segments are timed from media start; the answer and media start from when the call was placed.
        var firstAudio = result.Segments.Count > 0 && result.AnsweredAfter is { } answered && result.MediaStartedAfter is { } mediaStarted
            ? (int?)(mediaStarted - answered + result.Segments[0].Start).TotalMilliseconds
            : null;

        return new CallSummary
        {
            CallId = callId,
            CallConnectionId = result.CallConnectionId,
            Engine = engine,
            // The Realtime simulator stands in for the model only when the realtime engine ran (not cascaded or offline).
            Simulated = stack.Realtime is not null && !engine.StartsWith("cascaded", StringComparison.Ordinal),
            FinalState = session?.State.ToString() ?? "Missing",
            StateHistory = session?.History.Select(h => h.State.ToString()).ToList() ?? [],
            AnswerRequests = result.AnswerCount,
            Turns = Turns(records),
            BargeIns = bargeIns,
            AgentAudioHeardMs = (int)Math.Round(result.Segments.Sum(s => s.PlayedMs)),
            AgentFramesAfterStopAudio = CountAgentFramesAfterStopAudio(result, records),
            PlayoutGapsMs = PlayoutGaps(result, records),
            AnswerToFirstAgentAudioMs = firstAudio is >= 0 ? firstAudio : null,
            DurationMs = (int)result.Duration.TotalMilliseconds,
            AgentWav = agentWav,
            ProtocolErrors = result.ProtocolErrors,
        };
    }

    /// <summary>
    /// Milliseconds of one agent item the caller's side played: every segment from the item's start
    /// (<paramref name="itemStartMs"/>, media time) until the next agent item starts (<paramref name="nextItemStartMs"/>;
    /// null = the end of the call). Segments are the simulator's view: a playout stall splits an item into several, and a
    /// StopAudio may land just after a segment ended, so neither is relied on.
    /// </summary>
    public static double HeardOfItem(SimulatedCallResult result, long itemStartMs, long? nextItemStartMs) =>
        SegmentsOfItem(result, itemStartMs, nextItemStartMs).Sum(s => s.PlayedMs);

    /// <summary>
    /// The holes the caller heard inside agent items, in milliseconds: silences inside a segment, and breaks between two
    /// segments of the same agent item (from its start until the next agent item starts) that no StopAudio caused.
    /// </summary>
    public static IReadOnlyList<int> PlayoutGaps(SimulatedCallResult result, IReadOnlyList<CallRecordEntry> records)
    {
        var gaps = result.PlayoutGaps.Select(g => (g.At, g.Length)).ToList();
        var itemStarts = records.Where(r => r.Kind == "turn" && r.Speaker == "agent").Select(r => r.StartMs).Distinct().Order().ToList();
        for (var i = 0; i < itemStarts.Count; i++)
        {
            var segments = SegmentsOfItem(result, itemStarts[i], i + 1 < itemStarts.Count ? itemStarts[i + 1] : null);
            for (var j = 1; j < segments.Count; j++)
            {
                if (!segments[j - 1].EndedByStopAudio)
                {
                    gaps.Add((segments[j - 1].End, segments[j].Start - segments[j - 1].End));
                }
            }
        }

        return gaps.OrderBy(g => g.Item1).Select(g => (int)Math.Round(g.Item2.TotalMilliseconds)).ToList();
    }

    /// <summary>
    /// The simulator's playout segments that belong to the agent item starting at <paramref name="itemStartMs"/> (worker
    /// media time): those that start before the next agent item (<paramref name="nextItemStartMs"/>; null = the end of
    /// the call), in order.
    /// </summary>
    private static List<AgentAudioSegment> SegmentsOfItem(SimulatedCallResult result, long itemStartMs, long? nextItemStartMs)
    {
        // The worker's and the simulator's media clocks start within a few milliseconds of each other.
        var from = TimeSpan.FromMilliseconds(itemStartMs - 100);
        var until = nextItemStartMs is { } next ? TimeSpan.FromMilliseconds(next - 100) : TimeSpan.MaxValue;
        return result.Segments.Where(s => s.Start >= from && s.Start < until).OrderBy(s => s.Start).ToList();
    }

    /// <summary>
    /// The conversation from a call's record, in the order turns began (records are appended as turns end). An agent turn
    /// the caller cut off reads as the caller heard it; what the agent had generated is kept beside it.
    /// </summary>
    public static IReadOnlyList<CallTurn> Turns(IReadOnlyList<CallRecordEntry> records) =>
        records.Where(r => r.Kind == "turn" && !string.IsNullOrEmpty(r.Text)).OrderBy(r => r.StartMs).Select(r => new CallTurn
        {
            Speaker = r.Speaker ?? "?",
            Text = r.Interrupted && r.HeardText is { } heard ? heard : r.Text!,
            GeneratedText = r.Interrupted && r.HeardText is not null && r.HeardText != r.Text ? r.Text : null,
            StartMs = r.StartMs,
            EndMs = r.EndMs,
            Interrupted = r.Interrupted,
        }).ToList();

    /// <summary>
    /// Audio of an interrupted agent item that reached the caller's side after its StopAudio. The window runs from the
    /// StopAudio until the caller stops talking (at most 500 ms when the caller's audio already ended) or until the next
    /// agent item starts, whichever is first: the agent's later answers are not the interrupted item leaking through,
    /// even when the caller's WAV goes on talking over them.
    /// </summary>
    public static int CountAgentFramesAfterStopAudio(SimulatedCallResult result, IReadOnlyList<CallRecordEntry> records)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(records);
        var agentItemStarts = records.Where(r => r.Kind == "turn" && r.Speaker == "agent").Select(r => r.StartMs).Distinct().Order().ToList();
        var count = 0;
        foreach (var stop in result.StopAudios)
        {
            var until = result.CallerAudioEndedAt is { } callerEnd && callerEnd > stop.ArrivedAt
                ? callerEnd
                : stop.ArrivedAt + TimeSpan.FromMilliseconds(500);
            // The worker's and the simulator's media clocks start within a few milliseconds of each other.
            var nextItem = agentItemStarts.FirstOrDefault(start => TimeSpan.FromMilliseconds(start) > stop.ArrivedAt, long.MinValue);
            if (nextItem != long.MinValue && TimeSpan.FromMilliseconds(nextItem - 20) < until)
            {
                until = TimeSpan.FromMilliseconds(nextItem - 20);
            }

            count += result.OutboundMessages.Count(m =>
                m.Kind == OutboundMediaKind.AudioData && m.AudioBytes > 0 && m.ArrivedAt > stop.ArrivedAt && m.ArrivedAt <= until);
        }

        return count;
    }
}
