using System.Net.WebSockets;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Legs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls;

/// <summary>Runs one ACS call on an accepted media socket: builds the leg, the engine and the <see cref="CallLoop"/>, and waits for the end.</summary>
public sealed partial class AcsCallRunner
{
    private readonly CallRunnerServices _services;
    private readonly ILogger _logger;

    /// <summary>Creates the runner from the worker's services.</summary>
    public AcsCallRunner(IServiceProvider services, IOptions<MediaWorkerOptions> options)
    {
        _services = new CallRunnerServices(services, options);
        _logger = _services.Loggers.CreateLogger<AcsCallRunner>();
    }

    /// <summary>Runs the call <paramref name="callId"/> on <paramref name="socket"/> until it ends.</summary>
    public async Task<CallEndReason> RunAsync(WebSocket socket, string callId, CancellationToken cancellationToken) =>
        await _services.RunRegisteredAsync(callId, stop => RunRegisteredAsync(socket, callId, stop), cancellationToken).ConfigureAwait(false);

    private async Task<CallEndReason> RunRegisteredAsync(WebSocket socket, string callId, CancellationToken stop)
    {
        var leg = new AcsMediaLeg(socket, _services.Options.ParseAcsAudioFormat() ?? Core.Audio.AudioFormat.Pcm24k, callId,
            _services.Loggers.CreateLogger<AcsMediaLeg>());
        IConversationEngine engine;
        try
        {
            engine = _services.Engines.Create(callId, _services.Agent);
        }
        catch (Exception ex)
        {
            LogEngineUnavailable(ex, callId);
            await leg.DisposeAsync().ConfigureAwait(false);
            return CallEndReason.EngineClosed;
        }

        await using var loop = _services.CreateLoop(callId, leg, engine, _services.LoopOptions(), _services.Greeting);
        var reason = await loop.RunAsync(stop).ConfigureAwait(false);
        await _services.CallEndedAsync(callId, reason).ConfigureAwait(false);
        return reason;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "Call {CallId}: the engine could not be created")]
    private partial void LogEngineUnavailable(Exception exception, string callId);
}
