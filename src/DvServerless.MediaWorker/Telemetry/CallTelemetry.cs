using System.Text;
using DvServerless.Core.Engines;
using DvServerless.Core.Live;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// One call's telemetry, watching its <see cref="CallLoop"/>: the <c>dvgw_</c> metrics (<see cref="VoiceMetrics"/>), the
/// live events dashboards see (<see cref="ILiveEventPublisher"/>), and the summary log line at the end of the call (turns,
/// p50/p95 per stage, barge-ins, cost).
/// </summary>
/// <remarks>
/// Runs on the loop's control task only, so its state needs no lock. Nothing here runs per audio frame: the engine's
/// audio deltas only stamp the first audio of a turn; everything else is per turn, transcript or event.
/// </remarks>
public sealed partial class CallTelemetry : ICallLoopObserver
{
    /// <summary>Agent partial transcripts go out at most this often per item: a token a time would flood dashboards.</summary>
    private static readonly TimeSpan PartialInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The <see cref="LiveEventTypes.CallMedia"/> state when the call loop starts.</summary>
    public const string MediaConnected = "connected";

    /// <summary>The <see cref="LiveEventTypes.CallMedia"/> state when the call loop ends.</summary>
    public const string MediaClosed = "closed";

    private readonly CallContext _call;
    private readonly VoiceMetrics _metrics;
    private readonly ILiveEventPublisher _live;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TurnTimer _turns = new();
    private readonly CallStageSamples _samples = new();
    private readonly Dictionary<string, StringBuilder> _partials = new(StringComparer.Ordinal);
    private readonly string _channel;
    private CallLabels _labels;
    private DateTimeOffset _startedAt;
    private DateTimeOffset _lastPartialAt;
    private string? _engine;
    private bool _started;
    private bool _firstAudioSent;
    private decimal _costUsd;
    private int _transcripts;
    private int _errors;

    /// <summary>Watches the call <paramref name="call"/>.</summary>
    public CallTelemetry(CallContext call, VoiceMetrics metrics, ILiveEventPublisher live, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _call = call;
        _metrics = metrics;
        _live = live;
        _time = timeProvider;
        _logger = logger;
        _channel = call.Channel.ToString().ToLowerInvariant();
        _labels = new CallLabels(call.TenantId ?? "none", _channel, "unknown");
    }

    /// <inheritdoc />
    public void OnStarted(CallLoopStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        _started = true;
        _startedAt = started.At;
        _engine = started.Engine;
        _labels = _labels with { Engine = started.Engine };
        _metrics.ActiveCalls.Add(1, _labels.Tags);
        // The session's own events (call:new, call:state, call:ended) come from the session store; this is the media leg.
        Send(new LiveEvent
        {
            Type = LiveEventTypes.CallMedia,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = started.At,
            Channel = _channel,
            Engine = started.Engine,
            State = MediaConnected,
        });
    }

    /// <inheritdoc />
    public void OnEngineEvent(EngineEvent engineEvent)
    {
        ArgumentNullException.ThrowIfNull(engineEvent);
        var now = _time.GetUtcNow();
        if (_turns.OnEngineEvent(engineEvent, now) is { } turn)
        {
            TurnDone(turn, now);
        }

        switch (engineEvent)
        {
            case AgentTranscriptDelta delta:
                PublishPartial(delta, now);
                break;
            case ToolCallRequested tool:
                Send(new LiveEvent
                {
                    Type = LiveEventTypes.ToolCall,
                    CallId = _call.CallId,
                    TenantId = _call.TenantId,
                    At = now,
                    Tool = tool.Name,
                });
                break;
            case EngineError error:
                Error(error.Code ?? "engine_error", error.Message, now);
                break;
        }
    }

    /// <inheritdoc />
    public void OnAgentAudioStarted(string itemId, DateTimeOffset at)
    {
        if (!_firstAudioSent && _started)
        {
            _firstAudioSent = true;
            var firstAudioMs = Math.Max(0, (at - _startedAt).TotalMilliseconds);
            _samples.FirstAudio = firstAudioMs;
            _metrics.FirstAudio.Record(firstAudioMs, _labels.Tags);
            Send(new LiveEvent
            {
                Type = LiveEventTypes.Latency,
                CallId = _call.CallId,
                TenantId = _call.TenantId,
                At = at,
                Turn = 0,
                FirstAudioMs = firstAudioMs,
                Engine = _engine,
            });
        }

        if (_turns.OnAgentAudioSent(at) is { } turn)
        {
            TurnDone(turn, at);
        }
    }

    /// <inheritdoc />
    public void OnBargeIn(CallBargeIn bargeIn)
    {
        _samples.BargeInReaction.Add(bargeIn.ReactionMs);
        _metrics.BargeInReaction.Record(bargeIn.ReactionMs, _labels.Tags);
        Send(new LiveEvent
        {
            Type = LiveEventTypes.BargeIn,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = bargeIn.At,
            ItemId = bargeIn.ItemId,
            Interrupted = true,
            ReactionMs = Math.Round(bargeIn.ReactionMs, 2),
            HeardMs = bargeIn.AudioEndMs,
        });
    }

    /// <inheritdoc />
    public void OnRecorded(CallRecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != "turn" || string.IsNullOrWhiteSpace(entry.Text))
        {
            return;
        }

        _transcripts++;
        _metrics.Transcripts.Add(1, _labels.Tags);
        if (entry.ItemId is not null)
        {
            _partials.Remove(entry.ItemId);
        }

        Send(new LiveEvent
        {
            Type = LiveEventTypes.Transcript,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = entry.At,
            Speaker = entry.Speaker,
            // An interrupted agent turn shows what the caller heard, as the minutes do.
            Text = entry.Interrupted && entry.HeardText is not null ? entry.HeardText : entry.Text,
            Final = true,
            ItemId = entry.ItemId,
            Interrupted = entry.Interrupted ? true : null,
        });
    }

    /// <inheritdoc />
    public void OnToolCompleted(ToolCallRequested request, TimeSpan duration, bool failed)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (failed)
        {
            Error("tool_failed", $"The tool {request.Name} failed or is unknown.", _time.GetUtcNow());
        }
    }

    /// <inheritdoc />
    public void OnCostChanged(decimal totalUsd, decimal addedUsd)
    {
        _costUsd = totalUsd;
        if (addedUsd > 0)
        {
            _metrics.CostUsd.Add((double)addedUsd, _labels.Tags);
        }

        Send(new LiveEvent
        {
            Type = LiveEventTypes.Cost,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = _time.GetUtcNow(),
            CostUsd = decimal.Round(totalUsd, 6),
        });
    }

    /// <inheritdoc />
    public void OnCompleted(CallEndReason reason)
    {
        var now = _time.GetUtcNow();
        if (_turns.Flush() is { } turn)
        {
            TurnDone(turn, now);
        }

        if (_started)
        {
            _metrics.ActiveCalls.Add(-1, _labels.Tags);
        }

        var durationMs = _started ? (long)Math.Max(0, (now - _startedAt).TotalMilliseconds) : 0;
        Send(new LiveEvent
        {
            Type = LiveEventTypes.CallMedia,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = now,
            Channel = _channel,
            State = MediaClosed,
            Code = reason.ToString(),
            DurationMs = durationMs,
            CostUsd = decimal.Round(_costUsd, 6),
        });

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var s = _samples;
            var firstAudio = Format(s.FirstAudio);
            var (stt, ttft, tts, e2e, reaction) = (s.Stt.Describe(), s.LlmTimeToFirstToken.Describe(), s.Tts.Describe(), s.EndToEnd.Describe(), s.BargeInReaction.Describe());
            LogSummary(_call.CallId, _turns.Turns, firstAudio, stt, ttft, tts, e2e, s.BargeInReaction.Count, reaction, _transcripts, _errors, _costUsd, reason);
        }
    }

    private void TurnDone(TurnLatency turn, DateTimeOffset at)
    {
        var tags = _labels.Tags;
        Record(_metrics.SttLatency, _samples.Stt, turn.SttMs, tags);
        Record(_metrics.LlmTimeToFirstToken, _samples.LlmTimeToFirstToken, turn.LlmTtftMs, tags);
        Record(_metrics.TtsLatency, _samples.Tts, turn.TtsMs, tags);
        Record(_metrics.EndToEndLatency, _samples.EndToEnd, turn.E2eMs, tags);
        Send(new LiveEvent
        {
            Type = LiveEventTypes.Latency,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = at,
            Turn = _turns.Turns,
            Latency = Rounded(turn),
            Engine = _engine,
        });
    }

    private static void Record(System.Diagnostics.Metrics.Histogram<double> histogram, StageSamples samples, double? value, System.Diagnostics.TagList tags)
    {
        if (value is { } ms)
        {
            histogram.Record(ms, tags);
            samples.Add(ms);
        }
    }

    private void PublishPartial(AgentTranscriptDelta delta, DateTimeOffset now)
    {
        if (!_partials.TryGetValue(delta.ItemId, out var text))
        {
            _partials[delta.ItemId] = text = new StringBuilder();
        }

        text.Append(delta.Delta);
        if (now - _lastPartialAt < PartialInterval)
        {
            return;
        }

        _lastPartialAt = now;
        Send(new LiveEvent
        {
            Type = LiveEventTypes.Transcript,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = now,
            Speaker = "agent",
            Text = text.ToString(),
            Final = false,
            ItemId = delta.ItemId,
        });
    }

    private void Error(string code, string message, DateTimeOffset at)
    {
        _errors++;
        _metrics.Errors.Add(1, _labels.Tags);
        Send(new LiveEvent
        {
            Type = LiveEventTypes.Error,
            CallId = _call.CallId,
            TenantId = _call.TenantId,
            At = at,
            Code = code,
            Message = message,
        });
    }

    private void Send(LiveEvent liveEvent) => _live.Publish(liveEvent);

    private static TurnLatency Rounded(TurnLatency turn) =>
        new(Round(turn.SttMs), Round(turn.LlmTtftMs), Round(turn.TtsMs), Round(turn.E2eMs));

    private static double? Round(double? ms) => ms is { } value ? Math.Round(value, 1) : null;

    private static string Format(double? ms) => ms is { } value ? $"{value:0} ms" : "-";

    [LoggerMessage(EventId = 6402, Level = LogLevel.Information,
        Message = "Call {CallId} summary: {Turns} turns; first audio {FirstAudio}; stt {Stt}; llm ttft {LlmTtft}; tts {Tts}; e2e {E2e}; "
            + "{BargeIns} barge-ins (reaction {BargeInReaction}); {Transcripts} transcript segments; {Errors} errors; cost ${CostUsd:0.0000}; ended {Reason}")]
    private partial void LogSummary(string callId, int turns, string firstAudio, string stt, string llmTtft, string tts, string e2e,
        int bargeIns, string bargeInReaction, int transcripts, int errors, decimal costUsd, CallEndReason reason);
}
