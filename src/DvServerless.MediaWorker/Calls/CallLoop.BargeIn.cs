namespace DvServerless.MediaWorker.Calls;

// Barge-in: the caller (or the user's interrupt) cuts the agent off. Stop what the caller hears at once, cancel the
// response when the engine does not, and truncate the agent's item at what was actually heard.
public sealed partial class CallLoop
{
    private async ValueTask BargeInAsync(bool forceCancel, long signalTimestamp, CancellationToken cancellationToken)
    {
        var playout = _playout!;
        var now = _time.GetUtcNow();

        // 1. Stop what the caller hears now: flush the queue and send StopAudio ahead of any queued audio.
        var interrupted = await playout.InterruptAsync(cancellationToken).ConfigureAwait(false);
        var reactionMs = _time.GetElapsedTime(signalTimestamp).TotalMilliseconds;

        // 2. Cancel the response only when the engine does not do it by itself (see CallLoopOptions).
        if (_responseInProgress is { } responseId)
        {
            playout.DropResponse(responseId);
            if (forceCancel || !_options.EngineInterruptsOnSpeech)
            {
                await _engine.CancelResponseAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (interrupted is null)
        {
            // Nothing was playing: there is nothing to truncate.
            return;
        }

        // 3. Cut the item at what the caller heard; never past what the engine produced.
        var audioEndMs = TruncationPointMs(interrupted.HeardMs, interrupted.ReceivedMs);
        Observer?.OnInterrupted(interrupted.ItemId, audioEndMs);
        if (!IsLocalItem(interrupted.ItemId))
        {
            // The cached greeting and injected speech are not the engine's items: there is nothing to truncate.
            await _engine.TruncateAsync(interrupted.ItemId, interrupted.ContentIndex, audioEndMs, cancellationToken).ConfigureAwait(false);
        }

        _metrics?.BargeIn();
        Observer?.OnBargeIn(new CallBargeIn(interrupted.ItemId, audioEndMs, reactionMs, now));
        LogBargeIn(_callId, interrupted.ItemId, audioEndMs, interrupted.SentMs, interrupted.ReceivedMs);

        _turns.Interrupted(interrupted, audioEndMs, now);
    }

    /// <summary>
    /// The <c>audio_end_ms</c> of a truncate: what the caller heard, never below 0 and never past the audio the engine
    /// produced for the item (the engine rejects that; resampling rounds up by a fraction of a millisecond).
    /// </summary>
    internal static int TruncationPointMs(int heardMs, int receivedMs) => Math.Clamp(heardMs, 0, Math.Max(0, receivedMs));
}
