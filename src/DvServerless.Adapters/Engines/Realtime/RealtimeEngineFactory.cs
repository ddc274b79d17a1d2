using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>Creates one <see cref="RealtimeEngine"/> per call from the configured <see cref="RealtimeEngineOptions"/>.</summary>
public sealed class RealtimeEngineFactory : IConversationEngineFactory
{
    private readonly RealtimeEngineOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;

    /// <summary>Creates the factory.</summary>
    public RealtimeEngineFactory(IOptions<RealtimeEngineOptions> options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The options every engine uses (for describing the engine in CLI output).</summary>
    public RealtimeEngineOptions Options => _options;

    /// <inheritdoc />
    public IConversationEngine Create(string callId, AgentOptions agent) =>
        new RealtimeEngine(callId, agent, _options, _loggerFactory.CreateLogger<RealtimeEngine>(), _time);

    /// <summary>
    /// Creates a sideband engine attached to the accepted SIP call <paramref name="sipCallId"/> (control only, no audio);
    /// see <see cref="RealtimeEngine.CreateSideband"/>.
    /// </summary>
    public RealtimeEngine CreateSideband(string callId, string sipCallId, AgentOptions agent) => CreateSideband(callId, sipCallId, agent, _options);

    /// <summary>
    /// Creates a sideband engine on <paramref name="settings"/> instead of the configured ones: a call of a tenant's own
    /// OpenAI project is attached with that project's key.
    /// </summary>
    public RealtimeEngine CreateSideband(string callId, string sipCallId, AgentOptions agent, RealtimeEngineOptions settings) =>
        RealtimeEngine.CreateSideband(callId, sipCallId, agent, settings, _loggerFactory.CreateLogger<RealtimeEngine>(), _time);
}
