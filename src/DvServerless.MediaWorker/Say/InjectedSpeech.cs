namespace DvServerless.MediaWorker.Say;

/// <summary>Words injected into a live call through the API, already spoken by TTS at the leg's format.</summary>
/// <param name="Text">What is said (the agent turn's text in the call record).</param>
/// <param name="Pcm">PCM16 mono at the leg's format.</param>
/// <param name="Interrupt">True to cut the agent's current audio first, as a barge-in does; false to queue it after.</param>
public sealed record InjectedSpeech(string Text, byte[] Pcm, bool Interrupt)
{
    /// <summary>The prefix of injected items' ids: they are the worker's own, never the engine's, so they are never truncated.</summary>
    public const string ItemIdPrefix = "dvs-say-";

    /// <summary>
    /// When set, the call is hung up (with this reason) once the caller has heard these words: the last words of a call
    /// the worker ends itself, such as the drain goodbye. Null for speech the call goes on after.
    /// </summary>
    public string? HangUpReason { get; init; }
}
