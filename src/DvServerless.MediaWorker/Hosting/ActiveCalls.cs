using System.Collections.Concurrent;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// The calls this worker runs, and whether it is draining (stopping: no new calls, existing ones may finish).
/// </summary>
public sealed class ActiveCalls : IDisposable
{
    private readonly ConcurrentDictionary<long, string> _calls = new();
    private readonly CancellationTokenSource _cutOff = new();
    private long _nextId;
    private volatile bool _draining;
    private TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the worker has begun to stop.</summary>
    public bool IsDraining => _draining;

    /// <summary>Calls running now.</summary>
    public int Count => _calls.Count;

    /// <summary>Fires when the drain timeout is over and the calls still running must end.</summary>
    public CancellationToken CutOff => _cutOff.Token;

    /// <summary>Registers a call; dispose the returned handle when it ends.</summary>
    public IDisposable Register(string callId)
    {
        var id = Interlocked.Increment(ref _nextId);
        _calls[id] = callId;
        return new Registration(this, id);
    }

    /// <summary>
    /// Runs <paramref name="run"/> for call <paramref name="callId"/> registered here, with a token that fires on
    /// <paramref name="cancellationToken"/> or at the drain cut-off; meanwhile <paramref name="queue"/> (when the replica has
    /// a command queue) records it on the call's session: this replica holds the call, so its commands come here, and the
    /// unanswered-call sweep leaves it alone. Every runner (ACS, browser, SIP sideband) holds its calls this way.
    /// </summary>
    public async Task<T> RunAsync<T>(string callId, Commands.WorkerQueueRecorder? queue, Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var registration = Register(callId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CutOff);
        // Beside the call's start, not ahead of it: the caller's audio never waits for storage.
        var recorded = queue?.RecordAsync(callId, stop.Token) ?? Task.CompletedTask;
        try
        {
            return await run(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await recorded.ConfigureAwait(false);
        }
    }

    /// <summary>Stops admitting calls and completes when none is left or <paramref name="timeout"/> passes; returns the calls left.</summary>
    public async Task<int> DrainAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _draining = true;
        if (_calls.IsEmpty)
        {
            return 0;
        }

        try
        {
            await _drained.Task.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }

        return _calls.Count;
    }

    /// <summary>Ends every call still running.</summary>
    public void CutOffRemaining() => _cutOff.Cancel();

    /// <inheritdoc />
    public void Dispose() => _cutOff.Dispose();

    private void Remove(long id)
    {
        _calls.TryRemove(id, out _);
        if (_draining && _calls.IsEmpty)
        {
            _drained.TrySetResult();
        }
    }

    private sealed class Registration(ActiveCalls owner, long id) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(id);
            }
        }
    }
}
