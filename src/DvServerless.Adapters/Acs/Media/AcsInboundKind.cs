namespace DvServerless.Adapters.Acs.Media;

/// <summary>The <c>kind</c> of a frame ACS sends on the media WebSocket.</summary>
public enum AcsInboundKind
{
    /// <summary><c>AudioMetadata</c> (first frame).</summary>
    AudioMetadata,
    /// <summary><c>AudioData</c>.</summary>
    AudioData,
    /// <summary><c>DtmfData</c>.</summary>
    DtmfData,
    /// <summary><c>TranscriptionMetadata</c>.</summary>
    TranscriptionMetadata,
    /// <summary><c>TranscriptionData</c>.</summary>
    TranscriptionData,
    /// <summary>Any other kind (ignored by the gateway).</summary>
    Unknown,
}
