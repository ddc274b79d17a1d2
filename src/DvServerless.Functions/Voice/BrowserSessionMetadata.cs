namespace DvServerless.Functions.Voice;

/// <summary>The metadata keys of a browser session, read by the media worker's browser leg.</summary>
public static class BrowserSessionMetadata
{
    /// <summary>The user's display name.</summary>
    public const string UserName = "browser.user_name";

    /// <summary>The greeting to say instead of the agent's own.</summary>
    public const string Welcome = "browser.welcome";

    /// <summary>The longest the session may last, in seconds (1–7200).</summary>
    public const string MaxDuration = "browser.max_duration";

    /// <summary>The engine the page asked for.</summary>
    public const string Engine = "browser.engine";

    /// <summary>The caller's grouping code.</summary>
    public const string SegmentCode = "browser.segment_code";

    /// <summary><c>true</c> on a session whose audio flows over the page's own WebRTC connection to OpenAI.</summary>
    public const string WebRtc = "browser.webrtc";

    /// <summary>The OpenAI call id of a WebRTC session.</summary>
    public const string WebRtcCallId = "browser.webrtc_call_id";
}
