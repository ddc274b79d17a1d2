namespace DvServerless.Functions.BrowserSessions;

/// <summary>How the media worker answered a browser command.</summary>
public enum BrowserWorkerResult
{
    /// <summary>Done (200).</summary>
    Done,

    /// <summary>The worker holds no live leg for the session (404).</summary>
    NotLive,

    /// <summary>Any other answer, a timeout or no answer at all.</summary>
    Failed,
}
