namespace DvServerless.Adapters.Speech.OpenAI;

/// <summary>
/// Settings of Realtime transcription sessions (configuration section <c>RealtimeTranscription</c>). Where to connect
/// and how to authenticate come from the Realtime engine's settings (<c>OpenAI:*</c> / <c>AzureOpenAI:*</c>, or the
/// simulator with neither).
/// </summary>
public sealed class RealtimeTranscriptionOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "RealtimeTranscription";

    /// <summary>The transcription model (on Azure, a deployment name) when a recognition names none.</summary>
    public string Model { get; set; } = "gpt-4o-mini-transcribe";

    /// <summary>Server VAD activation threshold (0–1); higher needs louder speech.</summary>
    public double VadThreshold { get; set; } = 0.5;

    /// <summary>Audio kept before detected speech, in milliseconds.</summary>
    public int PrefixPaddingMs { get; set; } = 300;

    /// <summary><c>near_field</c>, <c>far_field</c>, or empty for no noise reduction. Phone audio is near-field.</summary>
    public string? NoiseReduction { get; set; } = "near_field";

    /// <summary>How long <c>StartAsync</c> waits for the connection and <c>session.updated</c>.</summary>
    public TimeSpan SessionStartTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long <c>CompleteAsync</c>'s last transcription may take before the session is closed anyway.</summary>
    public TimeSpan CompleteTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
