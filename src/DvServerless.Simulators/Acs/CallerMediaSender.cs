using System.Net.WebSockets;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// The caller's side of the media stream: AudioMetadata, then one 20 ms AudioData frame per tick, scheduled against the
/// stream's start so that delays never accumulate; each tick also plays 20 ms of the app's queued audio to the caller
/// and decides whether the caller hangs up.
/// </summary>
internal sealed class CallerMediaSender
{
    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    private readonly AcsMediaSession _session;
    private readonly WebSocket _socket;
    private readonly SimulatedCallRequest _request;
    private readonly MediaStreamingSettings _media;
    private readonly ReadOnlyMemory<byte> _speech;

    public CallerMediaSender(AcsMediaSession session, WebSocket socket, SimulatedCallRequest request, MediaStreamingSettings media, ReadOnlyMemory<byte> speech)
    {
        _session = session;
        _socket = socket;
        _request = request;
        _media = media;
        _speech = speech;
    }

    /// <summary>Sends until the caller hangs up or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var call = _session.Call;
        var time = _session.Time;
        var speech = _speech;
        var frameBytes = _media.Format.FrameBytes(20);
        using var messages = new AcsMediaFrameWriter(frameBytes);
        var socketOpen = await TrySendAsync(messages.AudioMetadata(call.MediaSubscriptionId, _media.Format, frameBytes), cancellationToken).ConfigureAwait(false);

        var silence = new byte[frameBytes];
        var frame = new byte[frameBytes];
        var playout = _session.Playout;
        var keys = _media.EnableDtmfTones ? _request.Keypresses.OrderBy(k => k.At).ToArray() : [];
        if (!_media.EnableDtmfTones && _request.Keypresses.Count > 0)
        {
            call.Note("keypresses not sent: the app answered without enableDtmfTones");
        }

        var nextKey = 0;
        TimeSpan? callerAudioEndedAt = speech.Length == 0 ? TimeSpan.Zero : null;
        if (callerAudioEndedAt is { } none)
        {
            call.OnCallerAudioEnded(none);
        }

        for (long tick = 0; ; tick++)
        {
            var due = FrameDuration * tick;
            var wait = due - _session.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            while (_session.FromApp.Reader.TryRead(out var item))
            {
                if (item.Audio is null)
                {
                    playout.Stop(item.ArrivedAt);
                }
                else
                {
                    playout.Enqueue(item.Audio);
                }
            }

            var offset = tick * frameBytes;
            var speaking = offset < speech.Length;
            if (socketOpen)
            {
                ReadOnlySpan<byte> pcm = silence;
                if (speaking)
                {
                    var count = (int)Math.Min(frameBytes, speech.Length - offset);
                    speech.Span.Slice((int)offset, count).CopyTo(frame);
                    frame.AsSpan(count).Clear();
                    pcm = frame;
                }

                socketOpen = await TrySendAsync(messages.AudioData(time.GetUtcNow(), _request.From, pcm, silent: !speaking), cancellationToken).ConfigureAwait(false);
                if (socketOpen)
                {
                    call.OnAudioFrameSent();
                }

                // Keys due by this tick go right after its audio, as ACS interleaves DtmfData with the audio frames.
                while (socketOpen && nextKey < keys.Length && keys[nextKey].At <= due)
                {
                    var key = keys[nextKey++].Key;
                    socketOpen = await TrySendAsync(messages.DtmfData(key), cancellationToken).ConfigureAwait(false);
                    if (socketOpen)
                    {
                        call.OnToneSent(key);
                    }
                }
            }

            playout.Play(due, FrameDuration);
            if (callerAudioEndedAt is null && offset + frameBytes >= speech.Length)
            {
                callerAudioEndedAt = FrameDuration * (tick + 1);
                call.OnCallerAudioEnded(callerAudioEndedAt.Value);
            }

            if (callerAudioEndedAt is { } quietSince && playout.IsEmpty && (nextKey >= keys.Length || !socketOpen))
            {
                if (keys.Length > 0 && keys[^1].At > quietSince)
                {
                    quietSince = keys[^1].At;
                }

                if (playout.LastPlayedEnd is { } lastPlayed && lastPlayed > quietSince)
                {
                    quietSince = lastPlayed;
                }

                if (due + FrameDuration - quietSince >= _request.HangUpAfterAgentQuiet && !call.MediaStoppedByApp)
                {
                    call.CallerHangsUp();
                    return;
                }
            }
        }
    }

    private async Task<bool> TrySendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (_socket.State != WebSocketState.Open)
        {
            return false;
        }

        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (WebSocketException exception)
        {
            // Sends fail only when the socket broke under the call (a closing app is seen in State above): the receive
            // side may see that as a cancellation instead, so the loss is reported from here too (once: ended calls ignore it).
            _session.Call.Note("media socket send failed");
            _session.Call.OnMediaLost(exception.Message);
            return false;
        }
    }
}
