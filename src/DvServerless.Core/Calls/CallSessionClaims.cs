namespace DvServerless.Core.Calls;

/// <summary>
/// Who decides a call when several deliveries of its webhook race or one decider dies: claims made with the store's
/// conditional update, so exactly one writer wins each.
/// </summary>
public static class CallSessionClaims
{
    /// <summary>
    /// Moves the session to <paramref name="to"/>; true only when this write applied the move (another writer that moved it
    /// first makes it false). Ringing → Answering is how a delivery commits to deciding a call.
    /// </summary>
    public static async Task<bool> TryMoveAsync(this ICallSessionStore sessions, string callId, CallState to, DateTimeOffset now, string? reason,
        Action<CallSession>? also = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var moved = false;
        await sessions.UpdateAsync(callId, s =>
        {
            // Evaluated again on every retry of the write, so the last evaluation is the one that was stored.
            moved = CallStateMachine.TryMoveTo(s, to, now, reason) == CallTransitionResult.Applied;
            if (moved)
            {
                also?.Invoke(s);
            }

            return moved;
        }, cancellationToken).ConfigureAwait(false);
        return moved;
    }

    /// <summary>
    /// For a delivery that found the call's session already there: whether the call is decided, still being decided
    /// (<see cref="CallState.Ringing"/> and written less than <paramref name="undecidedFor"/> ago), or left undecided by a
    /// decider taken to have died, in which case this delivery claims it. The claim refreshes
    /// <see cref="CallSession.UpdatedAt"/>, so of several redeliveries exactly one wins, and a live but slow decider still
    /// loses at its own move to Answering. One read and at most one write.
    /// </summary>
    public static async Task<UndecidedCallClaim> ClaimUndecidedAsync(this ICallSessionStore sessions, string callId, TimeSpan undecidedFor, DateTimeOffset now,
        Action<CallSession>? mark = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var claim = UndecidedCallClaim.Decided;
        await sessions.UpdateAsync(callId, s =>
        {
            // Evaluated again on every retry of the write, so the last evaluation is the one that was stored.
            claim = s.State != CallState.Ringing ? UndecidedCallClaim.Decided
                : now - s.UpdatedAt < undecidedFor ? UndecidedCallClaim.BeingDecided
                : UndecidedCallClaim.TakenOver;
            if (claim != UndecidedCallClaim.TakenOver)
            {
                return false;
            }

            s.UpdatedAt = now;
            mark?.Invoke(s);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return claim;
    }
}

/// <summary>What <see cref="CallSessionClaims.ClaimUndecidedAsync"/> found.</summary>
public enum UndecidedCallClaim
{
    /// <summary>The call is decided (or its session is gone): nothing to do, a duplicate.</summary>
    Decided,

    /// <summary>Another delivery is deciding it now: come back later.</summary>
    BeingDecided,

    /// <summary>It was left undecided and this delivery now owns the decision.</summary>
    TakenOver,
}
