using DvServerless.Core.Calls;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>
/// Ways storage leaves a delivery in doubt about its own decision write: the write landed (or not) and its answer never
/// came. A delivery that took such a write for another delivery's, or gave up on it, left the call unanswered.
/// </summary>
public enum DecisionStorageFault
{
    /// <summary>The create landed; its answer was lost and the store's retry found the session there.</summary>
    CreateAnswerLost,

    /// <summary>The move to Answering landed; its answer was lost and the store's retry found the move made.</summary>
    CommitAnswerLost,

    /// <summary>The move to Answering landed, then storage was silent past the store's retries once.</summary>
    CommitFailedOnceAfterLanding,

    /// <summary>As above, twice: the commit's last try is the one that learns it landed.</summary>
    CommitFailedTwiceAfterLanding,

    /// <summary>Storage was silent past the store's retries twice without the move landing; the last try makes it.</summary>
    CommitFailedTwiceWithoutLanding,
}

/// <summary>Sets a <see cref="DecisionStorageFault"/> up on the in-memory store.</summary>
public static class DecisionStorageFaults
{
    /// <summary>Makes <paramref name="sessions"/> fail the next decision write as <paramref name="fault"/> says.</summary>
    public static void Inject(this InMemoryCallSessionStore sessions, DecisionStorageFault fault)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        switch (fault)
        {
            case DecisionStorageFault.CreateAnswerLost:
                sessions.LoseNextCreateAnswer = true;
                break;
            case DecisionStorageFault.CommitAnswerLost:
                sessions.LoseNextUpdateAnswer = true;
                break;
            case DecisionStorageFault.CommitFailedOnceAfterLanding:
                sessions.FailUpdates(1);
                break;
            case DecisionStorageFault.CommitFailedTwiceAfterLanding:
                sessions.FailUpdates(CallSessionClaims.CommitAttempts - 1);
                break;
            case DecisionStorageFault.CommitFailedTwiceWithoutLanding:
                sessions.FailUpdates(CallSessionClaims.CommitAttempts - 1, land: false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }
}
