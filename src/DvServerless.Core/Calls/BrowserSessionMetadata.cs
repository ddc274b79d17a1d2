using System.Globalization;

namespace DvServerless.Core.Calls;

/// <summary>
/// The session-document metadata of a browser session: written by the Functions app (<c>POST /api/v1/voice/start</c>,
/// the WebRTC attach) and read by the worker's browser leg, so both sides share one definition of the keys and values.
/// </summary>
public static class BrowserSessionMetadata
{
    /// <summary>The user's display name.</summary>
    public const string UserName = "browser.user_name";

    /// <summary>The greeting the agent says first, instead of its own.</summary>
    public const string Welcome = "browser.welcome";

    /// <summary>The longest the session may last, in whole seconds (1–<see cref="MaxDurationLimitSeconds"/>).</summary>
    public const string MaxDuration = "browser.max_duration";

    /// <summary>The longest <see cref="MaxDuration"/> accepted.</summary>
    public const int MaxDurationLimitSeconds = 7200;

    /// <summary>The caller's grouping code.</summary>
    public const string SegmentCode = "browser.segment_code";

    /// <summary><c>true</c> on a session whose audio flows over the page's own WebRTC connection to OpenAI.</summary>
    public const string WebRtc = "browser.webrtc";

    /// <summary>The OpenAI call id of a WebRTC session.</summary>
    public const string WebRtcCallId = "browser.webrtc_call_id";

    /// <summary>The session's time limit, or null when none (or an unusable value) is set.</summary>
    public static TimeSpan? MaxDurationOf(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Metadata.TryGetValue(MaxDuration, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= 1 and <= MaxDurationLimitSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>The session's welcome text, or null when none is set.</summary>
    public static string? WelcomeOf(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Metadata.TryGetValue(Welcome, out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
    }
}
