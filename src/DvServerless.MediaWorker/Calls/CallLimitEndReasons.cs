namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// How a call ended by its limits is named where the other end reasons are: the hang-up reason the call control and the
/// logs see, a SIP call's session end reason, and (with the session's own wording) an ACS call's.
/// </summary>
public static class CallLimitEndReasons
{
    /// <summary>The caller stayed silent through every prompt (<see cref="CallEndReason.CallerSilent"/>).</summary>
    public const string CallerSilent = "caller silent";

    /// <summary>The call reached its longest duration (<see cref="CallEndReason.TimeLimit"/>).</summary>
    public const string TimeLimit = "time limit";

    /// <summary>The session's end reason for a call that <paramref name="reason"/> ended, or null when it is not a limit.</summary>
    public static string? SessionReason(CallEndReason reason) => reason switch
    {
        CallEndReason.CallerSilent => "caller silent: the agent hung up after the caller did not answer its prompts",
        CallEndReason.TimeLimit => "time limit: the agent hung up at the agent's longest call duration (MaxCallMinutes)",
        _ => null,
    };
}
