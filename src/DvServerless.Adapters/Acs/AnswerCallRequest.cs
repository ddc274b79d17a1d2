namespace DvServerless.Adapters.Acs;

/// <summary>What the gateway asks for when it answers a call.</summary>
/// <param name="IncomingCallContext">The opaque context from IncomingCall, passed verbatim.</param>
/// <param name="CallbackUri">Where ACS posts this call's events.</param>
public sealed record AnswerCallRequest(string IncomingCallContext, Uri CallbackUri)
{
    /// <summary>The media WebSocket URL (<c>wss://…/media/acs?callId=…&amp;token=…</c>); null answers without media streaming.</summary>
    public Uri? MediaTransportUrl { get; init; }

    /// <summary><c>pcm24KMono</c> (default here) or <c>pcm16KMono</c>.</summary>
    public string AudioFormat { get; init; } = "pcm24KMono";

    /// <summary><c>mixed</c> or <c>unmixed</c>.</summary>
    public string AudioChannelType { get; init; } = "mixed";

    /// <summary>Whether the app may send audio back on the socket.</summary>
    public bool EnableBidirectional { get; init; } = true;

    /// <summary>Whether streaming starts with the call (otherwise via <c>:startMediaStreaming</c>).</summary>
    public bool StartMediaStreaming { get; init; } = true;

    /// <summary>Whether DTMF tones are sent on the socket.</summary>
    public bool? EnableDtmfTones { get; init; }

    /// <summary>Echoed back in the call's events.</summary>
    public string? OperationContext { get; init; }
}
