using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The far end's output audio buffer of a SIP (<c>call_id</c>) session: OpenAI plays the agent's audio into the call at
/// real time, however fast it was generated, and reports it with <c>output_audio_buffer.started</c>, <c>.stopped</c>
/// (drained after <c>response.done</c>) and <c>.cleared</c> (flushed: a barge-in or <c>output_audio_buffer.clear</c>),
/// each with the <c>response_id</c> (spec <c>RealtimeServerEventOutputAudioBuffer*</c>: "WebRTC/SIP only"). A plain
/// WebSocket session has no such buffer and every call here does nothing. Callers hold the session's lock.
/// </summary>
internal sealed class RealtimeOutputPlayback(RealtimeSessionContext session)
{
    private string? _playbackResponseId;
    private DateTimeOffset _playbackEndsAt;
    private int _playbackVersion;

    /// <summary>True while agent audio is still playing into the SIP call.</summary>
    public bool IsPlayingOut => _playbackResponseId is not null;

    /// <summary>The response whose audio is playing, or null.</summary>
    public string? PlayingResponseId => _playbackResponseId;

    /// <summary>Agent audio of <paramref name="responseId"/> was produced: it plays after what is already queued.</summary>
    public void OnOutputAudioProduced(string responseId, double durationMs)
    {
        if (session.CallId is null)
        {
            return;
        }

        var now = session.Time.GetUtcNow();
        if (_playbackResponseId != responseId)
        {
            if (_playbackResponseId is null)
            {
                session.Events.Send(PlaybackEvent("output_audio_buffer.started", responseId));
            }

            // A later response's audio queues behind the earlier one's; a pending "stopped" for that one is void.
            _playbackResponseId = responseId;
            _playbackVersion++;
        }

        _playbackEndsAt = (_playbackEndsAt > now ? _playbackEndsAt : now) + TimeSpan.FromMilliseconds(durationMs);
    }

    /// <summary>The response is done: the buffer reports <c>stopped</c> once what was queued has played.</summary>
    public void OnOutputAudioComplete(string responseId)
    {
        if (session.CallId is null || _playbackResponseId != responseId)
        {
            return;
        }

        var version = ++_playbackVersion;
        var wait = _playbackEndsAt - session.Time.GetUtcNow();
        _ = StopPlaybackAfterAsync(version, responseId, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    /// <summary>The buffer is flushed (barge-in, cancel, <c>output_audio_buffer.clear</c>): <c>cleared</c> when anything was playing.</summary>
    public void Clear(string? responseId)
    {
        if (session.CallId is null)
        {
            return;
        }

        var playing = _playbackResponseId;
        _playbackResponseId = null;
        _playbackEndsAt = session.Time.GetUtcNow();
        _playbackVersion++;
        if (playing is not null || responseId is not null)
        {
            session.Events.Send(PlaybackEvent("output_audio_buffer.cleared", playing ?? responseId));
        }
    }

    /// <summary>The call is gone: nothing plays any more, and no buffer event follows (a pending <c>stopped</c> is void).</summary>
    public void Forget()
    {
        _playbackResponseId = null;
        _playbackVersion++;
    }

    private async Task StopPlaybackAfterAsync(int version, string responseId, TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, session.Time).ConfigureAwait(false);
        }

        lock (session.Gate)
        {
            if (session.Closing || version != _playbackVersion || _playbackResponseId != responseId)
            {
                return;
            }

            _playbackResponseId = null;
            session.Events.Send(PlaybackEvent("output_audio_buffer.stopped", responseId));
        }
    }

    private static JsonObject PlaybackEvent(string type, string? responseId)
    {
        var evt = RealtimeServerEventQueue.NewEvent(type);
        evt["response_id"] = responseId;
        return evt;
    }
}
