using Microsoft.Extensions.Configuration;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The false-interruption gate: how much the caller must say over the agent before it counts as a barge-in. Bound from
/// the top-level settings <c>GW_BARGE_IN_MIN_SPEECH_MS</c> and <c>GW_BARGE_IN_MIN_WORDS</c>; both 0 (the default) turn
/// the gate off. While the gate decides, the agent's audio pauses (nothing more is sent) instead of being flushed; a
/// cough or a short noise lets it resume where it paused.
/// </summary>
/// <remarks>
/// The gate works only with an engine that does not cancel its response by itself when the caller starts speaking
/// (<see cref="CallLoopOptions.EngineInterruptsOnSpeech"/> false). OpenAI Realtime's server and semantic VAD run with
/// <c>interrupt_response: true</c>: the server has already cancelled the response when <c>speech_started</c> reaches the
/// worker, so there is nothing left to resume, and the loop barges in at once as before.
/// </remarks>
public sealed class BargeInGateOptions
{
    /// <summary>Milliseconds the caller must speak over the agent before it is a barge-in (0: no minimum).</summary>
    [ConfigurationKeyName("GW_BARGE_IN_MIN_SPEECH_MS")]
    public int MinSpeechMs { get; set; }

    /// <summary>Words the caller's transcript must hold before it is a barge-in (0: no minimum; needs the engine's transcripts).</summary>
    [ConfigurationKeyName("GW_BARGE_IN_MIN_WORDS")]
    public int MinWords { get; set; }

    /// <summary>Whether the gate is on.</summary>
    public bool IsEnabled => MinSpeechMs > 0 || MinWords > 0;
}
