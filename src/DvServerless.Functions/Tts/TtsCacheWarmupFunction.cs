using DvServerless.Adapters.Tts;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Tts;

/// <summary>
/// Function <c>TtsCacheWarmup</c>: the timer (<c>%TtsWarmup__Schedule%</c>, six-field NCRONTAB, UTC) that keeps every
/// tenant's configured prompts in the TTS cache. Only the Functions host fires it; standalone,
/// <see cref="LocalTtsWarmupService"/> runs the same warm-up on the same schedule.
/// </summary>
public sealed partial class TtsCacheWarmupFunction
{
    private readonly TtsWarmupService _warmup;
    private readonly ILogger<TtsCacheWarmupFunction> _logger;

    /// <summary>Creates the function.</summary>
    public TtsCacheWarmupFunction(TtsWarmupService warmup, ILogger<TtsCacheWarmupFunction> logger)
    {
        _warmup = warmup;
        _logger = logger;
    }

    /// <summary>One scheduled run: one log line per tenant.</summary>
    [Function("TtsCacheWarmup")]
    public async Task RunAsync([TimerTrigger("%TtsWarmup__Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            LogPastDue();
        }

        foreach (var report in await TtsWarmupRun.WarmAllAsync(_warmup, cancellationToken))
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var summary = TtsWarmupRun.Describe(report);
                LogReport(summary);
            }
        }
    }

    [LoggerMessage(EventId = 5321, Level = LogLevel.Warning, Message = "TtsCacheWarmup: the run is past due.")]
    private partial void LogPastDue();

    [LoggerMessage(EventId = 5322, Level = LogLevel.Information, Message = "{Report}")]
    private partial void LogReport(string report);
}
