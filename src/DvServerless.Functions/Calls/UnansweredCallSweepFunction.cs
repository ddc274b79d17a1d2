using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Function <c>UnansweredCallSweep</c>: every minute, <see cref="UnansweredCallSweep"/> fails the calls left unanswered.
/// Only the Functions host fires it (one instance at a time, by the host's timer lock); standalone,
/// <see cref="LocalUnansweredCallSweepService"/> runs the same sweep on the same period.
/// </summary>
public sealed partial class UnansweredCallSweepFunction
{
    /// <summary>The timer's schedule (six-field NCRONTAB): second 0 of every minute.</summary>
    public const string Schedule = "0 * * * * *";

    private readonly UnansweredCallSweep _sweep;
    private readonly ILogger<UnansweredCallSweepFunction> _logger;

    /// <summary>Creates the function.</summary>
    public UnansweredCallSweepFunction(UnansweredCallSweep sweep, ILogger<UnansweredCallSweepFunction> logger)
    {
        _sweep = sweep;
        _logger = logger;
    }

    /// <summary>One run.</summary>
    [Function("UnansweredCallSweep")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var failed = await _sweep.RunAsync(cancellationToken);
        if (failed > 0)
        {
            LogSwept(failed);
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "UnansweredCallSweep failed {Count} unanswered call(s).")]
    private partial void LogSwept(int count);
}
