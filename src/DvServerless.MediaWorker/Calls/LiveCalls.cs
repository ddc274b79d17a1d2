using System.Collections.Concurrent;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The calls whose loops run on this worker, by call id, for every channel: what <c>/internal/calls/{callId}/*</c>
/// commands act on. A call is registered while its loop runs and gone the moment it ends.
/// </summary>
public sealed class LiveCalls
{
    private readonly ConcurrentDictionary<string, LiveCall> _calls = new(StringComparer.Ordinal);

    /// <summary>How many calls are live now.</summary>
    public int Count => _calls.Count;

    /// <summary>Registers <paramref name="call"/> until the returned handle is disposed (a later registration of the same id replaces it).</summary>
    public IDisposable Register(LiveCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        _calls[call.CallId] = call;
        return new Registration(this, call);
    }

    /// <summary>The calls live now (a copy: calls that start or end later do not change it).</summary>
    public IReadOnlyList<LiveCall> Snapshot() => [.. _calls.Values];

    /// <summary>The live call <paramref name="callId"/>, or null.</summary>
    public LiveCall? Find(string callId) => _calls.TryGetValue(callId, out var call) ? call : null;

    private sealed class Registration(LiveCalls owner, LiveCall call) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner._calls.TryRemove(new KeyValuePair<string, LiveCall>(call.CallId, call));
            }
        }
    }
}
