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
    /// Claims a call whose session has stayed <see cref="CallState.Ringing"/> for at least <paramref name="undecidedFor"/>:
    /// its decider is taken to have died. The claim refreshes <see cref="CallSession.UpdatedAt"/>, so of several
    /// redeliveries exactly one wins, and a live but slow decider still loses at its own move to Answering.
    /// </summary>
    public static async Task<bool> TryTakeOverUndecidedAsync(this ICallSessionStore sessions, string callId, TimeSpan undecidedFor, DateTimeOffset now,
        Action<CallSession>? mark = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var claimed = false;
        await sessions.UpdateAsync(callId, s =>
        {
            claimed = s.State == CallState.Ringing && now - s.UpdatedAt >= undecidedFor;
            if (claimed)
            {
                s.UpdatedAt = now;
                mark?.Invoke(s);
            }

            return claimed;
        }, cancellationToken).ConfigureAwait(false);
        return claimed;
    }
}
