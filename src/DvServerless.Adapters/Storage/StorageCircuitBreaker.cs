using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// Whether storage answers HTTP request paths, judged from their own tries (a circuit breaker). After
/// <see cref="StorageOptions.BreakAfterFailures"/> tries in a row fail (no answer within the request budget, no connection,
/// 408/429/5xx) storage is held as out: interactive operations fail at once (<see cref="StorageUnavailableException"/>,
/// answered 503), so a stalled account costs a caller nothing rather than a budget each, and the stalled account is not
/// sent a pile of requests. After <see cref="StorageOptions.BreakDuration"/> one try is let through as a trial (half-open);
/// its answer closes the breaker and the requests behind it are served again, its failure holds storage as out for
/// another period. Background work neither asks nor tells it: a call's transcript keeps trying on its own schedule.
/// </summary>
public sealed partial class StorageCircuitBreaker
{
    private readonly int _breakAfterFailures;
    private readonly TimeSpan _breakDuration;
    private readonly ILogger<StorageCircuitBreaker> _logger;
    private readonly object _gate = new();

    private int _failures;
    private bool _open;
    private bool _trialInFlight;
    private long _openedAt;
    private long _outageStartedAt;
    private long _lastAnswerAt = long.MinValue;

    /// <summary>Creates a closed breaker with the thresholds of <paramref name="options"/>, timed on <paramref name="time"/>.</summary>
    public StorageCircuitBreaker(StorageOptions options, TimeProvider time, ILogger<StorageCircuitBreaker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _breakAfterFailures = options.BreakAfterFailures;
        _breakDuration = options.BreakDuration;
        Time = time;
        _logger = logger;
    }

    /// <summary>Whether storage is held as out (trial or not): interactive operations fail at once.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <summary>The clock of the breaker and of the request budget.</summary>
    internal TimeProvider Time { get; }

    /// <summary>
    /// Asks to send one try. True while closed; while open, true only for one try at a time once
    /// <see cref="StorageOptions.BreakDuration"/> has passed, which <paramref name="trial"/> then marks as the trial.
    /// Every admitted try must be reported once: <see cref="Succeeded"/>, <see cref="Failed"/> or <see cref="Abandoned"/>.
    /// </summary>
    public bool TryAdmit(out bool trial)
    {
        lock (_gate)
        {
            trial = false;
            if (!_open)
            {
                return true;
            }

            if (_trialInFlight || Time.GetElapsedTime(_openedAt) < _breakDuration)
            {
                return false;
            }

            _trialInFlight = true;
            trial = true;
            return true;
        }
    }

    /// <summary>
    /// Storage sent an answer (any status) to some operation, on a request's path or in the background: it is there, if
    /// perhaps busy. A try that waited past its budget while others were answered met a busy account, not a dead one.
    /// </summary>
    public void Answered() => Interlocked.Exchange(ref _lastAnswerAt, Time.GetTimestamp());

    /// <summary>True when storage answered some operation at or after <paramref name="timestamp"/> (<see cref="Time"/>'s).</summary>
    public bool AnsweredSince(long timestamp) => Interlocked.Read(ref _lastAnswerAt) >= timestamp;

    /// <summary>Storage answered a try (any status but an outage's): it is in service, whatever the breaker held.</summary>
    public void Succeeded(bool trial)
    {
        TimeSpan? outage = null;
        lock (_gate)
        {
            _failures = 0;
            if (trial)
            {
                _trialInFlight = false;
            }

            // Any answer within a request's budget closes it, a try sent before it opened included: storage is serving.
            if (_open)
            {
                _open = false;
                outage = Time.GetElapsedTime(_outageStartedAt);
            }
        }

        if (outage is { } lasted)
        {
            LogClosed(lasted.TotalSeconds);
        }
    }

    /// <summary>A try got no answer in time, no connection, or an outage status (<paramref name="failure"/>, secret-free).</summary>
    public void Failed(bool trial, string failure)
    {
        var opened = false;
        var trialFailed = false;
        lock (_gate)
        {
            if (trial)
            {
                // Still out: hold it as out for another period from now.
                _trialInFlight = false;
                _openedAt = Time.GetTimestamp();
                trialFailed = true;
            }
            else if (!_open && ++_failures >= _breakAfterFailures)
            {
                _open = true;
                _openedAt = Time.GetTimestamp();
                _outageStartedAt = _openedAt;
                opened = true;
            }
        }

        if (opened)
        {
            LogOpened(_breakAfterFailures, failure, _breakDuration.TotalSeconds);
        }
        else if (trialFailed)
        {
            LogTrialFailed(failure);
        }
    }

    /// <summary>
    /// A try ended without telling whether storage answers (the caller cancelled, or a fault of ours): a trial's place is
    /// freed so the next request can try at once.
    /// </summary>
    public void Abandoned(bool trial)
    {
        if (!trial)
        {
            return;
        }

        lock (_gate)
        {
            _trialInFlight = false;
        }
    }

    [LoggerMessage(EventId = 9380, Level = LogLevel.Warning,
        Message = "Blob storage failed {Failures} tries in a row on request paths (last: {Failure}); requests that need it answer 503 at once, and one is let through to try it every {BreakSeconds} s")]
    private partial void LogOpened(int failures, string failure, double breakSeconds);

    [LoggerMessage(EventId = 9381, Level = LogLevel.Information, Message = "Blob storage answers again after {OutageSeconds:F1} s out; requests that need it are served")]
    private partial void LogClosed(double outageSeconds);

    [LoggerMessage(EventId = 9382, Level = LogLevel.Debug, Message = "Blob storage is still out (trial: {Failure})")]
    private partial void LogTrialFailed(string failure);
}
