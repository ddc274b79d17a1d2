using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>The SIP side of a session: a sideband attached to an accepted call, fed by the simulated SIP leg.</summary>
internal sealed partial class RealtimeSimulatorSession
{
    /// <summary>
    /// Applies the call's accept body (a GA session object) before the session starts, so that <c>session.created</c>
    /// shows what the app accepted with. The model is fixed at creation and skipped here.
    /// </summary>
    public RealtimeProtocolError? ApplyAcceptedSession(JsonObject acceptBody)
    {
        var patch = (JsonObject)acceptBody.DeepClone();
        patch.Remove("model");
        lock (_session.Gate)
        {
            var error = _session.Config.TryApply(patch);
            if (error is null)
            {
                _input.ApplyInputFormat();
            }

            return error;
        }
    }

    /// <summary>True while the agent is answering or still being heard, or the caller is mid-utterance: the line is not quiet.</summary>
    public bool IsBusy
    {
        get
        {
            lock (_session.Gate)
            {
                return _responses.IsActive || _playback.IsPlayingOut || _input.IsCallerSpeaking;
            }
        }
    }

    /// <summary>
    /// The SIP leg delivers caller audio (PCM16 LE, 24 kHz) straight into the input buffer: the same VAD, commit,
    /// transcription and response logic as appended audio, without a client event.
    /// </summary>
    public void PlayCallerAudio(ReadOnlySpan<byte> pcm24k)
    {
        var step = _input.InputRate == 24_000 ? 1 : 3;
        var samples = new short[pcm24k.Length / 2 / step];
        for (var i = 0; i < samples.Length; i++)
        {
            // The trunk would negotiate G.711 at 8 kHz; a plain decimation stands in for its resampler.
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm24k.Slice(i * step * 2, 2));
        }

        lock (_session.Gate)
        {
            if (!_session.Closing)
            {
                _input.ProcessSamples(samples);
            }
        }
    }

    /// <summary>A DTMF digit from the caller: <c>input_audio_buffer.dtmf_event_received</c>, which has no <c>event_id</c>.</summary>
    public void ReceiveDtmf(string digit)
    {
        lock (_session.Gate)
        {
            if (_session.Closing)
            {
                return;
            }

            _session.Events.Send(new JsonObject
            {
                ["type"] = "input_audio_buffer.dtmf_event_received",
                ["event"] = digit,
                ["received_at"] = _session.Time.GetUtcNow().ToUnixTimeSeconds(),
            });
        }
    }

    /// <summary>The SIP call ended (hangup, refer, caller gone): the sideband closes normally with <paramref name="reason"/>.</summary>
    public void EndCall(string reason)
    {
        lock (_session.Gate)
        {
            if (_session.Closing)
            {
                return;
            }

            _responses.StopActive();
            _playback.Forget();
            _session.BeginClose(WebSocketCloseStatus.NormalClosure, reason);
        }
    }
}
