using DvServerless.Core.Audio;

namespace DvServerless.Core.Tts;

/// <summary>What to say, in which voice, and the PCM format the leg needs.</summary>
/// <param name="Text">The text to speak.</param>
/// <param name="Voice">The provider voice id (a catalogue voice or a cloned voice's provider id).</param>
/// <param name="OutputFormat">PCM16 at the leg's rate (16 or 24 kHz; 8 kHz works too).</param>
/// <param name="Model">The provider model; null for the provider default.</param>
/// <param name="Options">The human-voice options; null for <see cref="TtsVoiceOptions.Default"/>.</param>
public sealed record TtsRequest(string Text, string Voice, AudioFormat OutputFormat, string? Model = null, TtsVoiceOptions? Options = null)
{
    /// <summary>The options, or the defaults.</summary>
    public TtsVoiceOptions EffectiveOptions => Options ?? TtsVoiceOptions.Default;
}
