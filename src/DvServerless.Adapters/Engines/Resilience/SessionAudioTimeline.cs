using DvServerless.Core.Audio;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// Puts a later session's caller speech times on the call's timeline. An engine counts <c>audio_start_ms</c> /
/// <c>audio_end_ms</c> from its own session's first byte, the call loop from the call's, so a later session's caller
/// timestamps are shifted by the call audio that came before that session.
/// </summary>
/// <remarks>Thread-safe: audio is counted on the call's media path, events are moved on the event reader.</remarks>
internal sealed class SessionAudioTimeline(AudioFormat format)
{
    // The caller audio the call has sent (dropped while reconnecting included), and how much of it came before the
    // current session.
    private long _audioBytesSent;
    private long _sessionAudioOffsetMs;

    /// <summary>Counts caller audio the call sent, whether or not a session took it.</summary>
    public void Sent(int bytes) => Interlocked.Add(ref _audioBytesSent, bytes);

    /// <summary>A new session starts now: its clock starts at the call audio sent so far.</summary>
    public void NewSession() =>
        Interlocked.Exchange(ref _sessionAudioOffsetMs, (long)format.DurationMs(Interlocked.Read(ref _audioBytesSent)));

    /// <summary><paramref name="engineEvent"/> with its caller speech time moved onto the call's timeline.</summary>
    public EngineEvent OnCallTimeline(EngineEvent engineEvent)
    {
        var offset = Interlocked.Read(ref _sessionAudioOffsetMs);
        if (offset == 0)
        {
            return engineEvent;
        }

        return engineEvent switch
        {
            CallerSpeechStarted started => started with { AudioStartMs = (int)Math.Min(int.MaxValue, started.AudioStartMs + offset) },
            CallerSpeechStopped stopped => stopped with { AudioEndMs = (int)Math.Min(int.MaxValue, stopped.AudioEndMs + offset) },
            _ => engineEvent,
        };
    }
}
