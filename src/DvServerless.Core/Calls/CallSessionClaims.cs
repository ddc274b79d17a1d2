namespace DvServerless.Core.Calls;

/// <summary>
/// Who decides a call when several deliveries of its webhook race or one decider dies: claims made with the store's
/// conditional update, so exactly one writer wins each.
/// </summary>
public static class CallSessionClaims
{
    /// <summary>
    /// The session metadata key naming the delivery that decides the call (a value new for each delivery): the one that
    /// created the session, took it over, or moved it to Answering.
    /// </summary>
    /// <remarks>
    /// A write whose answer is lost (a storage timeout after the write landed) is retried by the store, which then finds
    /// the change already made, as if another writer had made it. With the decider recorded, a delivery recognises its own
    /// write and goes on deciding, instead of taking the call for another delivery's, answering 200 and leaving it
    /// unanswered.
    /// </remarks>
    public const string DeciderKey = "decider";

    /// <summary>
    /// Moves the session to <paramref name="to"/>; true only when this write applied the move (another writer that moved it
    /// first makes it false). Ringing → Answering is how a delivery commits to deciding a call. With
    /// <paramref name="decider"/>, the move records it (<see cref="DeciderKey"/>), and a session found already moved by
    /// the same decider (this move's own earlier try, whose answer was lost) counts as moved by this call.
    /// </summary>
    public static async Task<bool> TryMoveAsync(this ICallSessionStore sessions, string callId, CallState to, DateTimeOffset now, string? reason,
        Action<CallSession>? also = null, string? decider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var moved = false;
        await sessions.UpdateAsync(callId, s =>
        {
            // Evaluated again on every retry of the write, so the last evaluation is the one that was stored.
            moved = CallStateMachine.TryMoveTo(s, to, now, reason) == CallTransitionResult.Applied;
            if (moved)
            {
                if (decider is not null)
                {
                    s.Metadata[DeciderKey] = decider;
                }

                also?.Invoke(s);
                return true;
            }

            moved = IsDecidedBy(s, to, decider);
            return false;
        }, cancellationToken).ConfigureAwait(false);
        return moved;
    }

    /// <summary>How many times <see cref="CommitAsync"/> tries the commit while storage fails.</summary>
    /// <remarks>
    /// Each try is the store's whole retried write (about 10 s of silence before it gives up on the background timeout),
    /// so three tries wait about 30 s for storage: a call still ringing then is answered, and one whose caller gave up
    /// fails at the answer, with its session saying so.
    /// </remarks>
    public const int CommitAttempts = 3;

    /// <summary>
    /// The commit of a delivery to a call: <see cref="TryMoveAsync"/> to <see cref="CallState.Answering"/> by
    /// <paramref name="decider"/>, tried again (up to <see cref="CommitAttempts"/> in all) when the write fails. A failed
    /// write does not say whether it landed; with the decider on the session, trying again is safe: a landed write reads
    /// back as this delivery's own (true), one that did not land is made now, or lost to another delivery (false). Without
    /// this, a commit that landed while its answer failed left the call decided and nobody answering it: the delivery
    /// answered 503, and every redelivery found the call decided. <paramref name="failed"/> hears each failed try (its
    /// number and error); the last failure is thrown.
    /// </summary>
    public static async Task<bool> CommitAsync(this ICallSessionStore sessions, string callId, DateTimeOffset now, string? reason, string decider,
        Action<CallSession>? also = null, Action<int, Exception>? failed = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(decider);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await sessions.TryMoveAsync(callId, CallState.Answering, now, reason, also, decider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < CommitAttempts && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                failed?.Invoke(attempt, e);
            }
        }
    }

    /// <summary>
    /// For a delivery that found the call's session already there: whether the call is decided, still being decided
    /// (<see cref="CallState.Ringing"/> and written less than <paramref name="undecidedFor"/> ago), or left undecided by a
    /// decider taken to have died, in which case this delivery claims it. The claim refreshes
    /// <see cref="CallSession.UpdatedAt"/>, so of several redeliveries exactly one wins, and a live but slow decider still
    /// loses at its own move to Answering. One read and at most one write. With <paramref name="decider"/>, a session
    /// still <see cref="CallState.Ringing"/> that names it (this delivery's own create landed, its answer was lost) is
    /// <see cref="UndecidedCallClaim.Created"/>, and a take-over records it.
    /// </summary>
    public static async Task<UndecidedCallClaim> ClaimUndecidedAsync(this ICallSessionStore sessions, string callId, TimeSpan undecidedFor, DateTimeOffset now,
        Action<CallSession>? mark = null, string? decider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var claim = UndecidedCallClaim.Decided;
        await sessions.UpdateAsync(callId, s =>
        {
            // Evaluated again on every retry of the write, so the last evaluation is the one that was stored.
            claim = IsDecidedBy(s, CallState.Ringing, decider) ? UndecidedCallClaim.Created
                : s.State != CallState.Ringing ? UndecidedCallClaim.Decided
                : now - s.UpdatedAt < undecidedFor ? UndecidedCallClaim.BeingDecided
                : UndecidedCallClaim.TakenOver;
            if (claim != UndecidedCallClaim.TakenOver)
            {
                return false;
            }

            s.UpdatedAt = now;
            if (decider is not null)
            {
                s.Metadata[DeciderKey] = decider;
            }

            mark?.Invoke(s);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return claim;
    }

    private static bool IsDecidedBy(CallSession session, CallState state, string? decider) =>
        decider is not null && session.State == state && session.Metadata.TryGetValue(DeciderKey, out var recorded) && recorded == decider;
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

    /// <summary>This delivery created it (the create landed though its answer was lost) and still owns the decision.</summary>
    Created,
}
