using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Greeting;

/// <summary>
/// Loads the default tenant's greeting once at start-up (synthesizing it into the cache if the warm-up has not), so the
/// first call already hears it at once. Runs in the background: start-up does not wait for TTS.
/// </summary>
public sealed partial class GreetingPrewarmService : BackgroundService
{
    private readonly CachedGreeting _greeting;
    private readonly MediaWorkerOptions _options;
    private readonly ILogger<GreetingPrewarmService> _logger;

    /// <summary>Creates the service.</summary>
    public GreetingPrewarmService(CachedGreeting greeting, IOptions<MediaWorkerOptions> options, ILogger<GreetingPrewarmService> logger)
    {
        _greeting = greeting;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var format = _options.ParseAcsAudioFormat() ?? AudioFormat.Pcm24k;
            var greeting = await _greeting.LoadForTenantAsync(TtsServiceCollectionExtensions.DefaultTenant, format, stoppingToken).ConfigureAwait(false);
            LogPrewarmed(greeting is not null, format.SampleRate);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogPrewarmFailed(e);
        }
    }

    [LoggerMessage(EventId = 3661, Level = LogLevel.Information, Message = "Greeting pre-loaded: {Loaded} ({SampleRate} Hz).")]
    private partial void LogPrewarmed(bool loaded, int sampleRate);

    [LoggerMessage(EventId = 3662, Level = LogLevel.Warning, Message = "The greeting could not be pre-loaded; calls will load it on demand.")]
    private partial void LogPrewarmFailed(Exception exception);
}
