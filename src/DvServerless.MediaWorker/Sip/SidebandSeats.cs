using DvServerless.MediaWorker.Hosting;

namespace DvServerless.MediaWorker.Sip;

/// <summary>
/// The worker's seats for SIP sidebands: the sidebands running, and the seats held for calls the Functions app is still
/// accepting, which count against <see cref="SipSidebandOptions.MaxCalls"/> until they are filled or their hold runs out.
/// </summary>
/// <remarks>
/// Apart from <see cref="SidebandCallRunner"/>, which runs the calls, so the admission rules read on their own. The
/// capacity check (from the Functions app) and the attach arrive on different requests, so every member takes one lock;
/// none of it is on an audio path.
/// </remarks>
internal sealed class SidebandSeats
{
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);

    // Seats taken for calls still being accepted (call id → when the seat frees itself): they count against MaxCalls.
    private readonly Dictionary<string, long> _reserved = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly ActiveCalls _calls;
    private readonly SipSidebandOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the seats of a worker whose calls are <paramref name="calls"/> (draining stops new ones).</summary>
    public SidebandSeats(ActiveCalls calls, SipSidebandOptions options, TimeProvider time)
    {
        _calls = calls;
        _options = options;
        _time = time;
    }

    /// <summary>How many sidebands run and may run.</summary>
    public SidebandCapacity Capacity
    {
        get
        {
            lock (_gate)
            {
                var taken = TakenSeats();
                return new SidebandCapacity(taken, _options.MaxCalls, !_calls.IsDraining && taken < _options.MaxCalls);
            }
        }
    }

    /// <summary>
    /// Takes a seat for <paramref name="callId"/> that frees itself after <see cref="SipSidebandOptions.ReservationHold"/>.
    /// True when the call has a seat (taken now or before, or its sideband already runs); false when full or draining.
    /// </summary>
    public bool TryReserve(string callId)
    {
        lock (_gate)
        {
            if (_calls.IsDraining)
            {
                return false;
            }

            if (_running.ContainsKey(callId) || _reserved.ContainsKey(callId))
            {
                return true;
            }

            if (TakenSeats() >= _options.MaxCalls)
            {
                return false;
            }

            _reserved[callId] = _time.GetTimestamp() + (long)(_options.ReservationHold.TotalSeconds * _time.TimestampFrequency);
            return true;
        }
    }

    /// <summary>The task of the sideband for <paramref name="callId"/> while it runs, else null.</summary>
    public Task? Running(string callId)
    {
        lock (_gate)
        {
            return _running.GetValueOrDefault(callId);
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> in the background in the seat of <paramref name="callId"/> (its reserved one, or a free
    /// one), once per call; the seat frees when the run ends.
    /// </summary>
    public SidebandStartResult TryStart(string callId, Func<Task> run)
    {
        lock (_gate)
        {
            if (_calls.IsDraining)
            {
                return SidebandStartResult.Draining;
            }

            if (_running.ContainsKey(callId))
            {
                return SidebandStartResult.AlreadyAttached;
            }

            // A call with a seat fills it; one without needs a free seat besides those reserved for others.
            var hadSeat = _reserved.Remove(callId, out var until) && until > _time.GetTimestamp();
            if (!hadSeat && TakenSeats() >= _options.MaxCalls)
            {
                return SidebandStartResult.AtCapacity;
            }

            // The run waits for its own entry: a run that ended at once must not remove its entry before it is added.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _running[callId] = Task.Run(async () =>
            {
                await start.Task.ConfigureAwait(false);
                try
                {
                    await run().ConfigureAwait(false);
                }
                finally
                {
                    lock (_gate)
                    {
                        _running.Remove(callId);
                    }
                }
            });
            start.SetResult();
            return SidebandStartResult.Started;
        }
    }

    // Running sidebands plus seats kept for calls still being accepted; under _gate.
    private int TakenSeats() => _running.Count + LiveReservations();

    // Drops the seats whose hold ran out and counts the rest; under _gate.
    private int LiveReservations()
    {
        if (_reserved.Count == 0)
        {
            return 0;
        }

        var now = _time.GetTimestamp();
        foreach (var (callId, until) in _reserved)
        {
            if (until <= now)
            {
                _reserved.Remove(callId);
            }
        }

        return _reserved.Count;
    }
}
