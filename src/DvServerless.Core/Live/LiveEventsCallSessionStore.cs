using DvServerless.Core.Calls;

namespace DvServerless.Core.Live;

/// <summary>
/// The one place call sessions change, seen from the live dashboards: a decorator of <see cref="ICallSessionStore"/>
/// that publishes <c>call:new</c> when a create wins, and <c>call:state</c> (plus <c>call:ended</c> for a final state)
/// when an update stored a state change. Both apps decorate their store with it: every function that creates or moves a
/// session (IncomingCall, CallEvents, SipIncoming, browser sessions, hang-up) and every move the worker makes (a browser
/// leg opening and closing, a call ending from the media side) goes through it, so none publishes by itself. Events
/// follow the write: a lost create race or an update that changed nothing (the other app got there first) publishes
/// nothing, so each call has one <c>call:new</c> and one <c>call:ended</c> whichever app saw what.
/// </summary>
public sealed class LiveEventsCallSessionStore : ICallSessionStore
{
    private readonly ICallSessionStore _inner;
    private readonly ILiveEventPublisher _publisher;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public LiveEventsCallSessionStore(ICallSessionStore inner, ILiveEventPublisher publisher)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(publisher);
        _inner = inner;
        _publisher = publisher;
    }

    /// <summary>The decorated store.</summary>
    public ICallSessionStore Inner => _inner;

    /// <inheritdoc />
    public async Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var created = await _inner.TryCreateAsync(session, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            _publisher.Publish(CallLiveEvents.New(session));
            PublishStateEvents(session);
        }

        return created;
    }

    /// <inheritdoc />
    public Task<CallSession?> GetAsync(string callId, CancellationToken cancellationToken = default) =>
        _inner.GetAsync(callId, cancellationToken);

    /// <inheritdoc />
    public async Task<CallSession?> UpdateAsync(string callId, Func<CallSession, bool> mutate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var changedState = false;
        var stored = await _inner.UpdateAsync(callId, session =>
        {
            // The store may run this more than once (a concurrent write); the last run is the one that was stored.
            var before = session.State;
            var write = mutate(session);
            changedState = write && session.State != before;
            return write;
        }, cancellationToken).ConfigureAwait(false);

        if (stored is not null && changedState)
        {
            PublishStateEvents(stored);
        }

        return stored;
    }

    // A session created in a state past Ringing (none today) is reported like a move into it.
    private void PublishStateEvents(CallSession session)
    {
        if (session.State != CallState.Ringing)
        {
            _publisher.Publish(CallLiveEvents.StateChanged(session));
        }

        if (CallStateMachine.IsFinal(session.State))
        {
            _publisher.Publish(CallLiveEvents.Ended(session));
        }
    }
}
