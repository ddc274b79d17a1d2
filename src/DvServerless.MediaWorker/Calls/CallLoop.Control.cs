using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls;

// The control task: the one reader of the loop's messages, which alone touches the playout clock and the call's state.
// After each batch of messages it checks the barge-in gate, pumps the playout and arms the timer for the next due time.
public sealed partial class CallLoop
{
    private async Task RunControlAsync(ITimer timer, CancellationToken cancellationToken)
    {
        var reader = _messages.Reader;
        var playout = _playout!;

        // The waits below take no token: a cancellable channel wait allocates on every call, and this loop waits once
        // per tick. Cancellation arrives as a message instead.
        await using var cancelled = cancellationToken.Register(static state => ((CallLoop)state!)._messages.Writer.TryWrite(LoopMessage.Cancelled), this);
        while (_endReason is null && await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (_endReason is null && reader.TryRead(out var message))
            {
                switch (message.Kind)
                {
                    case LoopMessageKind.Engine:
                        await HandleEngineEventAsync((EngineEvent)message.Payload!, message.Timestamp, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.ToolCompleted:
                        await HandleToolCompletedAsync((CallToolOutcome)message.Payload!, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.LegClosed:
                        _endReason = CallEndReason.LegClosed;
                        break;
                    case LoopMessageKind.EngineEnded:
                        _endReason = CallEndReason.EngineClosed;
                        break;
                    case LoopMessageKind.Cancelled:
                        _endReason = CallEndReason.Cancelled;
                        break;
                    case LoopMessageKind.Barrier:
                        _barriers.Add((TaskCompletionSource)message.Payload!);
                        break;
                    case LoopMessageKind.Interrupt:
                        CallerWasHeard();
                        await BargeInAsync(forceCancel: true, message.Timestamp, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.UserText when !_engineReady:
                        // Typed before the engine connected: it goes to the engine once it is ready.
                        _beforeEngineReady.Add(message);
                        break;
                    case LoopMessageKind.UserText:
                        CallerWasHeard();
                        await BargeInAsync(forceCancel: true, message.Timestamp, cancellationToken).ConfigureAwait(false);
                        await _engine.SendUserTextAsync((string)message.Payload!, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.Say:
                        await HandleSayAsync((Say.InjectedSpeech)message.Payload!, message.Timestamp, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.ComfortNoise:
                        _comfortOverride = (bool?)message.Payload;
                        break;
                    case LoopMessageKind.EngineReady:
                        _engineReady = true;
                        foreach (var held in _beforeEngineReady)
                        {
                            _messages.Writer.TryWrite(held);
                        }

                        _beforeEngineReady.Clear();
                        break;
                    case LoopMessageKind.SystemNote:
                        _pendingNotes.Add((string)message.Payload!);
                        break;
                    case LoopMessageKind.KeypadLine:
                        _turns.CallerKeypad((string)message.Payload!);
                        CallerWasHeard();
                        break;
                    case LoopMessageKind.Tick:
                    default:
                        break;
                }
            }

            if (_endReason is null)
            {
                await SendPendingNotesAsync(cancellationToken).ConfigureAwait(false);
                await CheckBargeInGateAsync(cancellationToken).ConfigureAwait(false);
                UpdateComfortNoise();
                await playout.PumpAsync(cancellationToken).ConfigureAwait(false);
                ReportPlayout();
                if (CheckLimits())
                {
                    // A silence prompt goes to the agent now, not at the next message (none may come while all is quiet).
                    await SendPendingNotesAsync(cancellationToken).ConfigureAwait(false);
                }

                if (_endRequested && playout.IsIdle)
                {
                    _endReason = _limitEnd ?? CallEndReason.AgentEnded;
                }
                else if (Earliest(Earliest(playout.NextDueAt(), BargeInGateDueAt()), LimitsDueAt()) is { } due)
                {
                    var delay = due - _time.GetUtcNow();
                    timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }

            ReleaseBarriers();
        }
    }

    /// <summary>Tells the observer which agent items started playing and records the ones the caller heard to the end.</summary>
    private void ReportPlayout()
    {
        var playout = _playout!;
        while (playout.TryTakeStarted(out var started, out var sentAt))
        {
            Observer?.OnAgentAudioStarted(started.ItemId, sentAt);
        }

        while (playout.TryTakeFinished(out var finished))
        {
            _turns.UtteranceFinished(finished);
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private void ReleaseBarriers()
    {
        foreach (var barrier in _barriers)
        {
            barrier.TrySetResult();
        }

        _barriers.Clear();
    }
}
