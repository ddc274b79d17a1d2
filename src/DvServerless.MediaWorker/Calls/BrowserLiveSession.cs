using DvServerless.MediaWorker.Legs;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The handle of one browser session that has (or is about to have) a live leg on this worker: what the page's
/// commands and the Functions app's control calls act on. Obtained from <see cref="BrowserSessions.TryReserve"/>;
/// disposing it frees the session id.
/// </summary>
public sealed class BrowserLiveSession : IDisposable
{
    private readonly BrowserSessions _owner;
    private BrowserMediaLeg? _leg;
    private CallLoop? _loop;
    private BrowserEventPublisher? _publisher;
    private int _disposed;

    internal BrowserLiveSession(BrowserSessions owner, string sessionId)
    {
        _owner = owner;
        SessionId = sessionId;
    }

    /// <summary>The session id.</summary>
    public string SessionId { get; }

    /// <summary>Whether the call loop runs (commands can act).</summary>
    public bool IsLive => Volatile.Read(ref _loop) is not null;

    /// <summary>Ends the session, sending <paramref name="reason"/> in <c>SESSION_ENDED</c>. False when not live.</summary>
    public bool End(string reason)
    {
        if (Volatile.Read(ref _loop) is null)
        {
            return false;
        }

        _publisher!.TrySetEndReason(reason);
        _leg!.EndInput();
        return true;
    }

    /// <summary>Cuts the agent off. False when not live.</summary>
    public bool Interrupt() => Volatile.Read(ref _loop)?.Interrupt() ?? false;

    /// <summary>Sends a typed user message. False when not live.</summary>
    public bool SendText(string text) => Volatile.Read(ref _loop)?.SendUserText(text) ?? false;

    /// <summary>Mutes (false) or unmutes the caller's audio. False when not live.</summary>
    public bool SetAudioEnabled(bool enabled)
    {
        if (Volatile.Read(ref _loop) is null)
        {
            return false;
        }

        _leg!.AudioEnabled = enabled;
        return true;
    }

    /// <summary>Makes the session live: from now on commands act on <paramref name="loop"/> and <paramref name="leg"/>.</summary>
    internal void Attach(BrowserMediaLeg leg, CallLoop loop, BrowserEventPublisher publisher)
    {
        _leg = leg;
        _publisher = publisher;
        Volatile.Write(ref _loop, loop);
    }

    /// <summary>The call loop is over: commands find no live leg from now on (404 to the Functions app).</summary>
    internal void Detach() => Volatile.Write(ref _loop, null);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Volatile.Write(ref _loop, null);
            _owner.Release(this);
        }
    }
}
