namespace DvServerless.MediaWorker.Calls;

/// <summary>The session-document metadata keys of a browser session (written by <c>POST /api/v1/voice/start</c>).</summary>
public static class BrowserSessionMetadata
{
    /// <summary>The greeting the agent says first, instead of the agent's own.</summary>
    public const string Welcome = "browser.welcome";

    /// <summary>The named agent the session asked for (<c>expected_engine_id</c>), checked against the configured agents when it was started.</summary>
    public const string Engine = "browser.engine";

    /// <summary>The agent id of <paramref name="session"/>, or null for the default agent.</summary>
    public static string? EngineOf(Core.Calls.CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Metadata.TryGetValue(Engine, out var id) && !string.IsNullOrWhiteSpace(id) ? id : null;
    }

    /// <summary>The longest the session may last, in whole seconds (1–7200).</summary>
    public const string MaxDuration = "browser.max_duration";

    /// <summary>The longest <see cref="MaxDuration"/> accepted.</summary>
    public const int MaxDurationLimitSeconds = 7200;

    /// <summary>The session's time limit, or null when none (or an unusable value) is set.</summary>
    public static TimeSpan? MaxDurationOf(Core.Calls.CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Metadata.TryGetValue(MaxDuration, out var text)
            && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= 1 and <= MaxDurationLimitSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>The session's welcome text, or null when none is set.</summary>
    public static string? WelcomeOf(Core.Calls.CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Metadata.TryGetValue(Welcome, out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
    }
}
