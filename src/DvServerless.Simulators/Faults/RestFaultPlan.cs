using System.Globalization;

namespace DvServerless.Simulators.Faults;

/// <summary>
/// REST-fault injection for a simulator: the next N requests for an operation are answered 429 or 5xx with the service's
/// error body and, when asked, a retry wait in one of its spellings (<see cref="RetryAfterForm"/>); once a fault is used
/// up, requests are served normally again. Every request the simulator checks is recorded (<see cref="Requests"/>), so a
/// test can count a client's tries and measure the time between them. Safe to change while requests arrive.
/// </summary>
/// <remarks>
/// A throttled or failed request was not carried out: a simulator checks the plan after authentication and before it
/// acts or remembers a <c>Repeatability-Request-ID</c>, so the client's retry of the same request is served afresh.
/// </remarks>
public sealed class RestFaultPlan
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<(RestFault Fault, int Left)> _faults = [];
    private readonly List<RestFaultRequest> _requests = [];

    /// <summary>Creates an empty plan on <paramref name="time"/> (the clock requests are stamped with and HTTP-dates computed on).</summary>
    public RestFaultPlan(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Every request checked so far, in arrival order.</summary>
    public IReadOnlyList<RestFaultRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="fault"/> after the faults already planned for its operation (they are used up first).
    /// </summary>
    public void Add(RestFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _faults.Add((fault, fault.Count));
        }
    }

    /// <summary>Drops every planned fault (the record of requests stays).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>How many more requests for <paramref name="operation"/> the plan will fault.</summary>
    public long Remaining(string operation)
    {
        lock (_gate)
        {
            return _faults.Where(f => Matches(f.Fault, operation)).Sum(f => (long)f.Left);
        }
    }

    /// <summary>The requests for <paramref name="operation"/> checked so far, in arrival order.</summary>
    public IReadOnlyList<RestFaultRequest> RequestsFor(string operation) =>
        Requests.Where(r => string.Equals(r.Operation, operation, StringComparison.OrdinalIgnoreCase)).ToArray();

    /// <summary>
    /// Records a request for <paramref name="operation"/> and returns the fault answer it gets, or null when the plan lets
    /// it through.
    /// </summary>
    internal RestFaultAnswer? Check(string operation)
    {
        var now = _time.GetUtcNow();
        RestFault? fault = null;
        lock (_gate)
        {
            var index = _faults.FindIndex(f => Matches(f.Fault, operation));
            if (index >= 0)
            {
                var (planned, left) = _faults[index];
                fault = planned;
                // "Every one from now on" (int.MaxValue) is never used up.
                if (left <= 1)
                {
                    _faults.RemoveAt(index);
                }
                else if (left != int.MaxValue)
                {
                    _faults[index] = (planned, left - 1);
                }
            }

            _requests.Add(new RestFaultRequest(now, operation, fault?.StatusCode));
        }

        return fault is null ? null : new RestFaultAnswer(fault.StatusCode, RetryHeaders(fault, now));
    }

    /// <summary>The headers that ask for <paramref name="fault"/>'s wait, as answered at <paramref name="now"/>.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> RetryHeaders(RestFault fault, DateTimeOffset now)
    {
        if (fault.RetryAfter is not { } wait)
        {
            return [];
        }

        switch (fault.Form)
        {
            case RetryAfterForm.HttpDate:
                // An HTTP-date has whole seconds: round up, so the client never computes a shorter wait than asked.
                var at = now + wait;
                var ticksPastSecond = at.UtcTicks % TimeSpan.TicksPerSecond;
                var date = ticksPastSecond == 0 ? at : at.AddTicks(TimeSpan.TicksPerSecond - ticksPastSecond);
                return [new("Retry-After", date.UtcDateTime.ToString("r", CultureInfo.InvariantCulture))];
            case RetryAfterForm.Milliseconds:
                var ms = ((long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
                return [new("retry-after-ms", ms), new("x-ms-retry-after-ms", ms)];
            default:
                return [new("Retry-After", ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture))];
        }
    }

    private static bool Matches(RestFault fault, string operation) => string.Equals(fault.Operation, operation, StringComparison.OrdinalIgnoreCase);
}
