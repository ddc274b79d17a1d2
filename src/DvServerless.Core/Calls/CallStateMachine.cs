namespace DvServerless.Core.Calls;

/// <summary>
/// The legal moves of a call: Ringing → Answering → Connected → Ending → Ended, with Failed reachable
/// from every non-final state and Ended reachable directly whenever the far end goes away.
/// </summary>
public static class CallStateMachine
{
    /// <summary>Whether <paramref name="from"/> → <paramref name="to"/> is a legal move.</summary>
    public static bool CanMove(CallState from, CallState to) => (from, to) switch
    {
        (CallState.Ringing, CallState.Answering) => true,
        (CallState.Answering, CallState.Connected) => true,
        (CallState.Connected, CallState.Ending) => true,
        (CallState.Answering, CallState.Ending) => true,
        // The caller can go away at any moment before the end is confirmed.
        (CallState.Ringing or CallState.Answering or CallState.Connected or CallState.Ending, CallState.Ended) => true,
        (CallState.Ringing or CallState.Answering or CallState.Connected or CallState.Ending, CallState.Failed) => true,
        _ => false,
    };

    /// <summary>Whether <paramref name="state"/> is final.</summary>
    public static bool IsFinal(CallState state) => state is CallState.Ended or CallState.Failed;

    /// <summary>
    /// Moves <paramref name="session"/> to <paramref name="to"/> when legal, recording the change in its history.
    /// A move to the current state is reported as <see cref="CallTransitionResult.AlreadyThere"/> and changes nothing.
    /// </summary>
    public static CallTransitionResult TryMoveTo(CallSession session, CallState to, DateTimeOffset at, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.State == to)
        {
            return CallTransitionResult.AlreadyThere;
        }

        if (!CanMove(session.State, to))
        {
            return CallTransitionResult.Illegal;
        }

        session.State = to;
        session.UpdatedAt = at;
        session.History.Add(new CallStateChange(to, at, reason));
        if (to == CallState.Connected)
        {
            session.ConnectedAt ??= at;
        }

        if (IsFinal(to))
        {
            session.EndedAt ??= at;
            session.EndReason ??= reason;
        }

        return CallTransitionResult.Applied;
    }
}
