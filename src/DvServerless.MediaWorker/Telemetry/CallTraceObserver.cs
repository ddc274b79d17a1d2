using System.Diagnostics;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// One call's spans, watching its <see cref="CallLoop"/>: <see cref="CallTraceSource.MediaSpan"/> from the loop's start to
/// its end, a child of the span whose <c>traceparent</c> the Functions app stored with the call (a root of its own when it
/// stored none), and under it one <see cref="CallTraceSource.TurnSpan"/> per answered caller turn, one
/// <see cref="CallTraceSource.ToolSpan"/> per tool call and one <see cref="CallTraceSource.BargeInSpan"/> per barge-in.
/// </summary>
/// <remarks>
/// Runs on the loop's control task, where <see cref="Activity.Current"/> is whatever request started the call's socket: every
/// span gets its parent explicitly and the ambient span is left as it was, so nothing the loop runs later is parented to a
/// span of this call by accident. Child spans are made whole when their end is known (start time given), so a turn the
/// caller abandons leaves nothing behind. Engine events cost a type test each; spans are made per turn, tool and barge-in,
/// never per audio frame. When the sampler drops <see cref="CallTraceSource.MediaSpan"/>, the observer does nothing more.
/// </remarks>
internal sealed class CallTraceObserver : ICallLoopObserver
{
    private readonly CallContext _call;
    private readonly TimeProvider _time;
    private Activity? _media;
    private DateTimeOffset? _turnStartedAt;
    private double? _turnSttMs;
    private int _turns;
    private decimal? _costUsd;

    /// <summary>Watches the call <paramref name="call"/>.</summary>
    public CallTraceObserver(CallContext call, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _call = call;
        _time = timeProvider;
    }

    /// <inheritdoc />
    public void OnStarted(CallLoopStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (_media is not null)
        {
            return;
        }

        // A missing or malformed traceparent leaves the default context: the call gets a trace of its own.
        ActivityContext.TryParse(_call.TraceParent, null, isRemote: true, out var parent);
        var tags = new TagList
        {
            { CallTraceSource.CallIdTag, _call.CallId },
            { CallTraceSource.ChannelTag, ChannelName(_call.Channel) },
            { CallTraceSource.EngineTag, started.Engine },
        };
        if (_call.TenantId is not null)
        {
            tags.Add(CallTraceSource.TenantTag, _call.TenantId);
        }

        // Server: the worker serves the call; Azure Monitor shows such a span as the worker's request for the call.
        _media = Start(CallTraceSource.MediaSpan, ActivityKind.Server, parent, tags, started.At);
    }

    /// <inheritdoc />
    public void OnEngineEvent(EngineEvent engineEvent)
    {
        if (_media is null)
        {
            return;
        }

        switch (engineEvent)
        {
            case CallerSpeechStopped:
                // The turn starts at the caller's last stop before the agent answers.
                _turnStartedAt = _time.GetUtcNow();
                _turnSttMs = null;
                break;
            case CallerSpeechStarted when _turnStartedAt is not null:
                // The caller went on before the agent answered: the turn is not over; its start is the next stop.
                _turnStartedAt = null;
                break;
            case CallerTranscript when _turnStartedAt is { } stoppedAt && _turnSttMs is null:
                _turnSttMs = Ms(stoppedAt, _time.GetUtcNow());
                break;
            case EngineError error:
                // The code only: an engine's message may quote what was said.
                _media.AddEvent(new ActivityEvent("engine.error", _time.GetUtcNow(), new ActivityTagsCollection { ["code"] = error.Code ?? "unknown" }));
                break;
        }
    }

    /// <inheritdoc />
    public void OnAgentAudioStarted(string itemId, DateTimeOffset at)
    {
        if (_media is null || _turnStartedAt is not { } startedAt)
        {
            // Audio nobody asked for yet (the greeting) or a second item of an answered turn.
            return;
        }

        _turnStartedAt = null;
        _turns++;
        var tags = new TagList
        {
            { CallTraceSource.CallIdTag, _call.CallId },
            { CallTraceSource.TurnNumberTag, _turns },
            { CallTraceSource.TurnLatencyTag, Ms(startedAt, at) },
            { CallTraceSource.ItemIdTag, itemId },
        };
        if (_turnSttMs is { } stt)
        {
            tags.Add(CallTraceSource.TurnSttTag, stt);
        }

        Span(CallTraceSource.TurnSpan, startedAt, at, tags);
    }

    /// <inheritdoc />
    public void OnBargeIn(CallBargeIn bargeIn)
    {
        if (_media is null)
        {
            return;
        }

        var tags = new TagList
        {
            { CallTraceSource.CallIdTag, _call.CallId },
            { CallTraceSource.ItemIdTag, bargeIn.ItemId },
            { CallTraceSource.HeardTag, bargeIn.AudioEndMs },
            { CallTraceSource.ReactionTag, Math.Round(bargeIn.ReactionMs, 1) },
        };
        Span(CallTraceSource.BargeInSpan, bargeIn.At, bargeIn.At.AddMilliseconds(Math.Max(0, bargeIn.ReactionMs)), tags);
    }

    /// <inheritdoc />
    public void OnToolCompleted(ToolCallRequested request, TimeSpan duration, bool failed)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_media is null)
        {
            return;
        }

        var end = _time.GetUtcNow();
        var tags = new TagList
        {
            { CallTraceSource.CallIdTag, _call.CallId },
            { CallTraceSource.ToolNameTag, request.Name },
            { CallTraceSource.ToolFailedTag, failed },
        };
        Span(CallTraceSource.ToolSpan, end - (duration > TimeSpan.Zero ? duration : TimeSpan.Zero), end, tags, failed);
    }

    /// <inheritdoc />
    public void OnCostChanged(decimal totalUsd, decimal addedUsd) => _costUsd = totalUsd;

    /// <inheritdoc />
    public void OnCompleted(CallEndReason reason)
    {
        if (_media is not { } media)
        {
            return;
        }

        _media = null;
        media.SetTag(CallTraceSource.EndReasonTag, reason.ToString());
        media.SetTag(CallTraceSource.TurnsTag, _turns);
        if (_costUsd is { } cost)
        {
            media.SetTag(CallTraceSource.CostTag, (double)decimal.Round(cost, 6));
        }

        End(media, _time.GetUtcNow());
    }

    private void Span(string name, DateTimeOffset start, DateTimeOffset end, in TagList tags, bool failed = false)
    {
        if (Start(name, ActivityKind.Internal, _media!.Context, tags, start) is { } span)
        {
            if (failed)
            {
                span.SetStatus(ActivityStatusCode.Error);
            }

            End(span, end);
        }
    }

    /// <summary>Starts a span under <paramref name="parent"/> only, leaving <see cref="Activity.Current"/> as it was.</summary>
    private static Activity? Start(string name, ActivityKind kind, ActivityContext parent, in TagList tags, DateTimeOffset start)
    {
        var ambient = Activity.Current;
        // With no parent given, StartActivity adopts the ambient span: clear it so that a call without a trace gets a root.
        Activity.Current = null;
        var span = CallTraceSource.Source.StartActivity(name, kind, parent, tags, links: null, startTime: start);
        Activity.Current = ambient;
        return span;
    }

    /// <summary>Ends <paramref name="span"/> at <paramref name="end"/>, leaving <see cref="Activity.Current"/> as it was.</summary>
    private static void End(Activity span, DateTimeOffset end)
    {
        var ambient = Activity.Current;
        span.SetEndTime(end.UtcDateTime);
        span.Stop();
        Activity.Current = ambient;
    }

    private static double Ms(DateTimeOffset from, DateTimeOffset to) => Math.Round(Math.Max(0, (to - from).TotalMilliseconds), 1);

    private static string ChannelName(Core.Calls.CallChannel channel) => channel switch
    {
        Core.Calls.CallChannel.Acs => "acs",
        Core.Calls.CallChannel.Sip => "sip",
        Core.Calls.CallChannel.Browser => "browser",
        _ => channel.ToString(),
    };
}
