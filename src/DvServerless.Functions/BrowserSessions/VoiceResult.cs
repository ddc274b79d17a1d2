using DvServerless.Core.Calls;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>The result of a voice API request: an outcome, the session it concerns, and for a start the media connection.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Message">Why it was refused; null when <see cref="VoiceOutcome.Ok"/>.</param>
/// <param name="Session">The session, when the request reached one.</param>
/// <param name="MediaToken">For a start: the browser media token bound to the session.</param>
/// <param name="MediaUrl">For a start: the worker's browser leg URL (<c>ws(s)://…/media/browser</c>).</param>
/// <param name="RetryAfterSeconds">For <see cref="VoiceOutcome.Unavailable"/>: when to try again, in seconds.</param>
public sealed record VoiceResult(
    VoiceOutcome Outcome, string? Message = null, CallSession? Session = null, string? MediaToken = null, string? MediaUrl = null,
    int? RetryAfterSeconds = null)
{
    /// <summary>A refusal.</summary>
    public static VoiceResult Refused(VoiceOutcome outcome, string message) => new(outcome, message);

    /// <summary>A dependency is down for now: try again after <paramref name="retryAfterSeconds"/>.</summary>
    public static VoiceResult Unavailable(string message, int retryAfterSeconds) =>
        new(VoiceOutcome.Unavailable, message, RetryAfterSeconds: retryAfterSeconds);
}
