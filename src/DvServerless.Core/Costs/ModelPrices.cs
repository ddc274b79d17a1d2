namespace DvServerless.Core.Costs;

/// <summary>
/// What one model costs, in US dollars per million tokens (and per minute of duration-billed transcription). A price
/// left at 0 counts nothing.
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

    /// <summary>Input-audio transcription billed by duration.</summary>
    public decimal TranscriptionPerMinute { get; set; }
}
