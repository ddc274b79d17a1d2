using System.Net.WebSockets;
using DvServerless.Core.Engines;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Legs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls;

/// <summary>Runs one ACS call on an accepted media socket: builds the leg, the engine and the <see cref="CallLoop"/>, and waits for the end.</summary>
public sealed partial class AcsCallRunner
{
    private readonly IConversationEngineFactory _engines;
    private readonly AgentOptions _agent;
    private readonly ICallRecordSink _records;
    private readonly ICallControl _callControl;
    private readonly IReadOnlyList<ICallToolHandler> _tools;
    private readonly MediaWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly MediaWorkerMetrics _metrics;
    private readonly ActiveCalls _calls;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Greeting.ICallGreeting? _greeting;
    private readonly Records.WorkerCallEnd? _callEnd;

    /// <summary>Creates the runner from the worker's services.</summary>
    public AcsCallRunner(IServiceProvider services, IOptions<MediaWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        _engines = services.GetRequiredService<IConversationEngineFactory>();

        // The engine registration may publish the agent as an instance or as options; either works.
        _agent = services.GetService<AgentOptions>() ?? services.GetService<IOptions<AgentOptions>>()?.Value ?? new AgentOptions();
        _records = services.GetRequiredService<ICallRecordSink>();
        _callControl = services.GetRequiredService<ICallControl>();
        _tools = services.GetServices<ICallToolHandler>().ToArray();
        _options = options.Value;
        _time = services.GetRequiredService<TimeProvider>();
        _metrics = services.GetRequiredService<MediaWorkerMetrics>();
        _calls = services.GetRequiredService<ActiveCalls>();
        _loggers = services.GetRequiredService<ILoggerFactory>();
        _logger = _loggers.CreateLogger<AcsCallRunner>();
        _greeting = services.GetService<Greeting.ICallGreeting>();
        _callEnd = services.GetService<Records.WorkerCallEnd>();
    }

    /// <summary>Runs the call <paramref name="callId"/> on <paramref name="socket"/> until it ends.</summary>
    public async Task<CallEndReason> RunAsync(WebSocket socket, string callId, CancellationToken cancellationToken)
    {
        using var registration = _calls.Register(callId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _calls.CutOff);
        var leg = new AcsMediaLeg(socket, _options.ParseAcsAudioFormat() ?? Core.Audio.AudioFormat.Pcm24k, callId, _loggers.CreateLogger<AcsMediaLeg>());
        IConversationEngine engine;
        try
        {
            engine = _engines.Create(callId, _agent);
        }
        catch (Exception ex)
        {
            LogEngineUnavailable(ex, callId);
            await leg.DisposeAsync().ConfigureAwait(false);
            return CallEndReason.EngineClosed;
        }

        await using var loop = new CallLoop(callId, leg, engine, CallLoopOptions.From(_agent, TimeSpan.FromMilliseconds(_options.PlayoutLeadMs)), _records,
            _callControl, _tools, _time, _metrics, _loggers.CreateLogger<CallLoop>())
        {
            Greeting = _greeting,
        };
        var reason = await loop.RunAsync(stop.Token).ConfigureAwait(false);
        if (_callEnd is not null)
        {
            await _callEnd.OnCallEndedAsync(callId, reason, CancellationToken.None).ConfigureAwait(false);
        }

        return reason;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "Call {CallId}: the engine could not be created")]
    private partial void LogEngineUnavailable(Exception exception, string callId);
}
