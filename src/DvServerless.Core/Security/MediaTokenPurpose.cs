namespace DvServerless.Core.Security;

/// <summary>What a media token admits; a token is refused for any other use.</summary>
public enum MediaTokenPurpose
{
    /// <summary>The ACS media WebSocket of one call (<c>/media/acs</c>).</summary>
    AcsMedia,

    /// <summary>The Functions app asking the worker about, or to attach the sideband of, one SIP call (<c>/internal/sip/*</c>).</summary>
    SipAttach,

    /// <summary>A browser's media WebSocket of one session (<c>/media/browser</c>).</summary>
    BrowserMedia,

    /// <summary>The Functions app sending a command to the worker that holds one browser session (<c>/internal/browser/*</c>).</summary>
    BrowserControl,

    /// <summary>The Functions app sending a command to the worker that runs one call of any channel (<c>/internal/calls/*</c>).</summary>
    CallControl,
}
