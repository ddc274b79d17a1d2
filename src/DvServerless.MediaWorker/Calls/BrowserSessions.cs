using System.Collections.Concurrent;

namespace DvServerless.MediaWorker.Calls;

/// <summary>The browser sessions with a live leg on this worker, by session id: at most one leg per session.</summary>
public sealed class BrowserSessions
{
    private readonly ConcurrentDictionary<string, BrowserLiveSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>How many sessions are held now.</summary>
    public int Count => _sessions.Count;

    /// <summary>Reserves <paramref name="sessionId"/> for a new leg; null when the session already has one.</summary>
    public BrowserLiveSession? TryReserve(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var session = new BrowserLiveSession(this, sessionId);
        return _sessions.TryAdd(sessionId, session) ? session : null;
    }

    /// <summary>Whether <paramref name="sessionId"/> has a leg (live or being set up).</summary>
    public bool Contains(string sessionId) => _sessions.ContainsKey(sessionId);

    /// <summary>The live session <paramref name="sessionId"/>, or null.</summary>
    public BrowserLiveSession? FindLive(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session) && session.IsLive ? session : null;

    internal void Release(BrowserLiveSession session) =>
        _sessions.TryRemove(new KeyValuePair<string, BrowserLiveSession>(session.SessionId, session));
}
