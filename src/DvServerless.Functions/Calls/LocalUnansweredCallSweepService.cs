namespace DvServerless.Functions.Calls;

/// <summary>
/// Stands in for the <c>UnansweredCallSweep</c> timer when the app runs standalone (no Functions host fires timers there):
/// runs <see cref="UnansweredCallSweep"/> once a minute. Several standalone instances may each run it; the sweep's
/// conditional writes fail a session once.
/// </summary>
public sealed partial class LocalUnansweredCallSweepService : BackgroundService
{
    /// <summary>How often the sweep runs, as the timer does.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly UnansweredCallSweep _sweep;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalUnansweredCallSweepService> _logger;

    /// <summary>Creates the loop.</summary>
    public LocalUnansweredCallSweepService(UnansweredCallSweep sweep, TimeProvider time, ILogger<LocalUnansweredCallSweepService> logger)
    {
        _sweep = sweep;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var failed = await _sweep.RunAsync(stoppingToken).ConfigureAwait(false);
                if (failed > 0)
                {
                    LogSwept(failed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Storage down for the listing: the next tick tries again.
                LogRunFailed(e.GetType().Name, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "The local unanswered-call sweep failed {Count} unanswered call(s).")]
    private partial void LogSwept(int count);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "The local unanswered-call sweep could not list the open sessions ({ErrorType}): {ErrorMessage}")]
    private partial void LogRunFailed(string errorType, string errorMessage);
}
