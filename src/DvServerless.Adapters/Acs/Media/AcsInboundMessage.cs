using DvServerless.Core.Audio;

namespace DvServerless.Adapters.Acs.Media;

/// <summary>
/// One parsed inbound media frame. For <see cref="AcsInboundKind.AudioData"/> the decoded PCM is in a pooled
/// buffer that the receiver owns: <see cref="Dispose"/> the message (or hand <see cref="Audio"/> on) exactly once.
/// </summary>
public readonly struct AcsInboundMessage : IDisposable
{
    /// <summary>Creates a message.</summary>
    public AcsInboundMessage(AcsInboundKind kind, AcsAudioMetadata? audioMetadata = null, PooledAudio audio = default, bool isSilent = false,
        string? participantRawId = null, DateTimeOffset? timestamp = null, string? dtmfTone = null, string? rawKind = null)
    {
        Kind = kind;
        AudioMetadata = audioMetadata;
        Audio = audio;
        IsSilent = isSilent;
        ParticipantRawId = participantRawId;
        Timestamp = timestamp;
        DtmfTone = dtmfTone;
        RawKind = rawKind;
    }

    /// <summary>What the frame is.</summary>
    public AcsInboundKind Kind { get; }

    /// <summary>For AudioMetadata.</summary>
    public AcsAudioMetadata? AudioMetadata { get; }

    /// <summary>For AudioData: the decoded PCM16LE (may be empty for a silent frame).</summary>
    public PooledAudio Audio { get; }

    /// <summary>For AudioData: the <c>silent</c> flag.</summary>
    public bool IsSilent { get; }

    /// <summary>For AudioData and DtmfData: <c>participantRawID</c>, if present.</summary>
    public string? ParticipantRawId { get; }

    /// <summary>For AudioData: the <c>timestamp</c> (ISO 8601 UTC), or null when absent or not a date.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>For DtmfData: the tone (e.g. <c>3</c>, <c>#</c> as sent).</summary>
    public string? DtmfTone { get; }

    /// <summary>The <c>kind</c> string as sent (useful for Unknown).</summary>
    public string? RawKind { get; }

    /// <summary>Returns the audio buffer to the pool.</summary>
    public void Dispose() => Audio.Dispose();
}
