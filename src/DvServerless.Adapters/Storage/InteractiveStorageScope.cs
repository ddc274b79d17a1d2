namespace DvServerless.Adapters.Storage;

/// <summary>
/// Marks the code running for one HTTP request as interactive: somebody waits for its answer, so its storage operations get
/// <see cref="StorageOptions.RequestBudget"/> and fail at once while <see cref="StorageCircuitBreaker"/> holds storage as
/// out. Storage work outside a scope is background (a call's transcript, the end of a call, start-up checks) and keeps the
/// client's longer <see cref="StorageOptions.NetworkTimeout"/> and retries, so nothing is given up that could be written
/// once storage answers. <see cref="StorageUnavailableMiddleware"/> opens one per request.
/// </summary>
/// <remarks>
/// The mark flows with the request's execution context, and so into any task the request starts; <see cref="Dispose"/>
/// ends it for all of them (the shared flag, as <c>HttpContextAccessor</c> clears its holder), so work a request left
/// running, or a call that a WebSocket request became, counts as background from then on.
/// </remarks>
public sealed class InteractiveStorageScope : IDisposable
{
    private static readonly AsyncLocal<InteractiveStorageScope?> Current = new();

    private volatile bool _ended;
    private volatile bool _storageGivenUp;

    private InteractiveStorageScope()
    {
    }

    /// <summary>Whether the calling code runs for an HTTP request that is still being answered.</summary>
    public static bool IsActive => Active is not null;

    /// <summary>The scope of the HTTP request the calling code runs for, while it is being answered.</summary>
    internal static InteractiveStorageScope? Active => Current.Value is { _ended: false } scope ? scope : null;

    /// <summary>
    /// Whether one of the request's storage operations was given up (no answer within the budget, or storage held as out).
    /// Its later operations are then given up at once: the request is answered 503 either way, and a webhook that reads a
    /// counter, then a session, then writes it, would otherwise wait a budget for each on a stalled account.
    /// </summary>
    internal bool StorageGivenUp => _storageGivenUp;

    /// <summary>Records that one of the request's storage operations was given up.</summary>
    internal void GiveUpStorage() => _storageGivenUp = true;

    /// <summary>Marks the calling execution context, and what it starts, as interactive until the scope is disposed.</summary>
    public static InteractiveStorageScope Begin()
    {
        // Set in a method that is not async, so the value stays in the caller's context rather than being restored on return.
        var scope = new InteractiveStorageScope();
        Current.Value = scope;
        return scope;
    }

    /// <summary>
    /// Runs the calling code, until the returned value is disposed, as background storage work though it serves a request:
    /// for work past a point of no return. A webhook that has committed to a decision (a call it must now answer) and then
    /// has a write given up at the budget answers 503 with the decision made and not carried out; the redelivery finds the
    /// call decided and leaves it. Past that point the writes wait for storage as background work does.
    /// </summary>
    /// <remarks>Set in a method that is not async, as <see cref="Begin"/> is; dispose it in the same method that took it.</remarks>
    public static IDisposable Suspend()
    {
        var suspended = Current.Value;
        Current.Value = null;
        return new Resumption(suspended);
    }

    /// <summary>Ends the mark, in every execution context that carries it.</summary>
    public void Dispose() => _ended = true;

    private sealed class Resumption(InteractiveStorageScope? suspended) : IDisposable
    {
        public void Dispose() => Current.Value = suspended;
    }
}
