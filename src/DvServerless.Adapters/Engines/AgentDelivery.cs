using DvServerless.Core.Tts;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// How an agent's voice options reach a speech-to-speech model, which has no voice settings beyond speed: the options'
/// spoken-style paragraph after the agent's instructions, and the speed as GA <c>audio.output.speed</c> (0.25–1.5).
/// One mapping for the Realtime <c>session.update</c> and the SIP <c>/accept</c> body.
/// </summary>
public static class AgentDelivery
{
    /// <summary>The heading of the delivery paragraph, so a reader of the session sees where the agent's text ends.</summary>
    public const string Heading = "# Voice and delivery";

    /// <summary><paramref name="instructions"/>, followed by the delivery paragraph when <paramref name="voice"/> is set.</summary>
    public static string Instructions(string instructions, TtsVoiceOptions? voice) =>
        voice is null ? instructions : string.Concat(instructions.TrimEnd(), "\n\n", Heading, "\n", voice.ToInstructions());

    /// <summary>The speed the Realtime API takes (its range, 0.25–1.5, holds every clamped voice speed), rounded to 2 places.</summary>
    public static double RealtimeSpeed(TtsVoiceOptions voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        return Math.Round(Math.Clamp(voice.Clamped().Speed, 0.25, 1.5), 2, MidpointRounding.AwayFromZero);
    }
}
