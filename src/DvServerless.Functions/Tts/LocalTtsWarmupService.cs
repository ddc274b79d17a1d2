using DvServerless.Adapters.Tts;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tts;

/// <summary>
/// Stands in for the <c>TtsCacheWarmup</c> timer when the app runs standalone (no Functions host fires timers there):
/// runs the warm-up on <c>TtsWarmup:Schedule</c>, the same six-field expression, evaluated with Cronos.
/// </summary>
public sealed partial class LocalTtsWarmupService : BackgroundService
{
    private readonly TtsWarmupService _warmup;
    private readonly TtsWarmupOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalTtsWarmupService> _logger;

    /// <summary>Creates the loop.</summary>
    public LocalTtsWarmupService(TtsWarmupService warmup, IOptions<TtsWarmupOptions> options, TimeProvider time, ILogger<LocalTtsWarmupService> logger)
    {
        _warmup = warmup;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = CronosSchedule.Parse(_options.Schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            if (schedule.Next(now) is not { } next)
            {
                return;
            }

            LogNextRun(next);
            await Task.Delay(next - now, _time, stoppingToken).ConfigureAwait(false);
            try
            {
                foreach (var report in await TtsWarmupRun.WarmAllAsync(_warmup, stoppingToken).ConfigureAwait(false))
                {
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        var summary = TtsWarmupRun.Describe(report);
                        LogReport(summary);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failed run (storage down) must not end the loop.
                LogRunFailed(e);
            }
        }
    }

    [LoggerMessage(EventId = 5331, Level = LogLevel.Debug, Message = "Next local TTS warm-up at {Next:o}.")]
    private partial void LogNextRun(DateTimeOffset next);

    [LoggerMessage(EventId = 5332, Level = LogLevel.Information, Message = "{Report}")]
    private partial void LogReport(string report);

    [LoggerMessage(EventId = 5313, Level = LogLevel.Warning, Message = "The local TTS warm-up run failed.")]
    private partial void LogRunFailed(Exception exception);
}
