namespace DvServerless.Core.Costs;

/// <summary>
/// What one model or service costs, in US dollars: per million tokens (Realtime and chat models), per minute of
/// transcription (a Realtime session's input transcription, or a cascaded engine's speech-to-text service), per million
/// characters of text-to-speech. A price left at 0 counts nothing.
/// </summary>
public sealed class ModelPrices
{
    /// <summary>Text input tokens.</summary>
    public decimal TextInputPerMillion { get; set; }

    /// <summary>Cached text input tokens.</summary>
    public decimal CachedTextInputPerMillion { get; set; }

    /// <summary>Text output tokens.</summary>
    public decimal TextOutputPerMillion { get; set; }

    /// <summary>Audio input tokens.</summary>
    public decimal AudioInputPerMillion { get; set; }

    /// <summary>Cached audio input tokens.</summary>
    public decimal CachedAudioInputPerMillion { get; set; }

    /// <summary>Audio output tokens.</summary>
    public decimal AudioOutputPerMillion { get; set; }

    /// <summary>Input-audio transcription billed by tokens (input and output tokens together).</summary>
    public decimal TranscriptionPerMillionTokens { get; set; }

    /// <summary>Transcription billed by duration (speech-to-text services are usually billed so).</summary>
    public decimal TranscriptionPerMinute { get; set; }

    /// <summary>Text-to-speech billed by characters.</summary>
    public decimal TtsPerMillionCharacters { get; set; }

    /// <summary>True when this entry prices transcription.</summary>
    public bool PricesTranscription => TranscriptionPerMillionTokens != 0 || TranscriptionPerMinute != 0;
}
