using DvServerless.Core.Calls;

namespace DvServerless.Functions.Sessions;

/// <summary>The result of a sessions API request: an outcome, the session when there is one, and a message otherwise.</summary>
public sealed record SessionResult(SessionOutcome Outcome, CallSession? Session = null, string? Message = null)
{
    /// <summary>A successful result.</summary>
    public static SessionResult Of(CallSession session) => new(SessionOutcome.Ok, session);

    /// <summary>A refusal.</summary>
    public static SessionResult Refused(SessionOutcome outcome, string message) => new(outcome, null, message);
}
