namespace DvServerless.Core.Calls;

/// <summary>How a call reached the gateway.</summary>
public enum CallChannel
{
    /// <summary>Azure Communication Services (PSTN or VoIP) with bidirectional media streaming.</summary>
    Acs,
    /// <summary>OpenAI Realtime SIP: audio on the SIP leg, control on a sideband WebSocket.</summary>
    Sip,
    /// <summary>A browser connected to the media worker.</summary>
    Browser,
}
