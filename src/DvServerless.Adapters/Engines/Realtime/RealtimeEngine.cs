using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// An <see cref="IConversationEngine"/> over the OpenAI / Azure OpenAI Realtime GA WebSocket protocol (or the local
/// simulator speaking it). PCM 24 kHz in and out. One instance per call; one reader of <see cref="ReadEventsAsync"/>.
/// All sends go through one lock, so concurrent audio, truncate and cancel frames never interleave; the server's frames
/// are read by a <see cref="RealtimeEventReceiver"/>. Its <see cref="AgentAudioDelta"/> events are pooled: the reader
/// releases each one (see <see cref="AgentAudioDelta.Release"/>).
/// </summary>
public sealed class RealtimeEngine : IConversationEngine
{
    private const string SessionUpdateEventId = "dvs_session_update_1";

    /// <summary>The <c>event_id</c> of the tools-only <c>session.update</c> a sideband sends (<see cref="DeclareToolsAsync"/>).</summary>
    public const string SessionToolsEventId = "dvs_session_tools_1";

    private readonly string _callId;
    private readonly AgentOptions _agent;
    private readonly RealtimeEngineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly RealtimeClientEventWriter _writer = new();
    private readonly HashSet<string> _answeredToolCalls = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly RealtimeEventReceiver _receiver;
    private OpenAIRealtimeConnection? _connection;
    private Task? _receiveLoop;
    private readonly string? _sidebandCallId;
    private int _started;
    private int _disposed;

    /// <summary>Creates an engine for one call; nothing connects until <see cref="StartAsync"/>.</summary>
    public RealtimeEngine(
        string callId,
        AgentOptions agent,
        RealtimeEngineOptions options,
        ILogger<RealtimeEngine>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        _callId = callId;
        _agent = agent;
        _options = options;
        _logger = logger ?? NullLogger<RealtimeEngine>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _receiver = new RealtimeEventReceiver(callId, agent.Model, sideband: false, _logger);
    }

    private RealtimeEngine(
        string callId,
        string sipCallId,
        AgentOptions agent,
        RealtimeEngineOptions options,
        ILogger<RealtimeEngine>? logger,
        TimeProvider? timeProvider)
        : this(callId, agent, options, logger, timeProvider)
    {
        _sidebandCallId = sipCallId;
        _receiver = new RealtimeEventReceiver(callId, agent.Model, sideband: true, _logger);
    }

    /// <summary>
    /// Creates a sideband engine for a SIP call already accepted by its <c>call_id</c> (PROTOCOL §2.4): it connects to
    /// <c>{base}/realtime?call_id={sipCallId}</c> with no model, takes <c>session.created</c> as ready (the accept body
    /// configured the session, so no <c>session.update</c> is sent), and carries control only: the audio stays on the
    /// SIP leg, so <see cref="SendAudioAsync"/> refuses audio. Output audio deltas may or may not arrive; do not rely on them.
    /// </summary>
    /// <param name="callId">The project's call id (for logs).</param>
    /// <param name="sipCallId">The <c>rtc_…</c> call id from the <c>realtime.call.incoming</c> webhook.</param>
    /// <param name="agent">The agent (its model and voice were set by the accept; the sideband greets through the caller, not here).</param>
    /// <param name="options">Endpoint and credentials, as for a normal session.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for the start timeout.</param>
    public static RealtimeEngine CreateSideband(
        string callId,
        string sipCallId,
        AgentOptions agent,
        RealtimeEngineOptions options,
        ILogger<RealtimeEngine>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sipCallId);
        return new RealtimeEngine(callId, sipCallId, agent, options, logger, timeProvider);
    }

    /// <summary>True for a sideband engine (<see cref="CreateSideband"/>): control only, no audio.</summary>
    public bool IsSideband => _sidebandCallId is not null;

    /// <inheritdoc />
    public string Name => _options.EngineName;

    /// <inheritdoc />
    public AudioFormat AudioFormat => AudioFormat.Pcm24k;

    /// <summary>Token usage so far (every <c>response.done</c> and input transcription).</summary>
    public EngineUsage Usage => _receiver.Usage;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The service answered <c>session.update</c> with an error or closed.</exception>
    /// <exception cref="TimeoutException">No <c>session.updated</c> within <see cref="RealtimeEngineOptions.SessionStartTimeout"/>.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The Realtime engine has already been started.");
        }

        var problem = _options.Validate();
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        using var timeout = new CancellationTokenSource(_options.SessionStartTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _lifetime.Token);
        var baseUrl = _options.EffectiveBaseUrl;
        RealtimeEngineLog.Connecting(_logger, _callId, Name, baseUrl.Host, _agent.Model);
        try
        {
            var (bearer, azureKey) = await ResolveCredentialsAsync(linked.Token).ConfigureAwait(false);
            _connection = _sidebandCallId is null
                ? await OpenAIRealtimeConnection.ConnectAsync(baseUrl, _agent.Model, bearer, azureKey, linked.Token).ConfigureAwait(false)
                : await OpenAIRealtimeConnection.ConnectSidebandAsync(baseUrl, _sidebandCallId, bearer, azureKey, linked.Token).ConfigureAwait(false);
            _receiveLoop = Task.Run(() => _receiver.RunAsync(_connection, _lifetime.Token), CancellationToken.None);

            if (_sidebandCallId is null)
            {
                await SendFrameAsync(static (w, s) => w.WriteSessionUpdate(SessionUpdateEventId, s._agent, s._options.MaxOutputTokens),
                    this, linked.Token).ConfigureAwait(false);
            }

            await _receiver.SessionReady.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var message = $"The Realtime service did not confirm the session within {_options.SessionStartTimeout.TotalSeconds:0.#} s.";
            RealtimeEngineLog.StartFailed(_logger, _callId, message);
            throw new TimeoutException(message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RealtimeEngineLog.StartFailed(_logger, _callId, ex.Message);
            throw;
        }

        // No greeting here: what runs the call asks for it once (the call loop, or the SIP sideband), whatever the agent says.
        RealtimeEngineLog.SessionConfigured(_logger, _callId);
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A sideband engine: the caller's audio travels on the SIP leg.</exception>
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (_sidebandCallId is not null)
        {
            throw new NotSupportedException("A sideband session carries no audio: the caller's audio travels on the SIP leg.");
        }

        return audio.IsEmpty
            ? ValueTask.CompletedTask
            : SendFrameAsync(static (w, a) => w.WriteInputAudioAppend(a.Span), audio, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken) =>
        SendFrameAsync(static (w, i) => w.WriteResponseCreate(i), instructions, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Works on a sideband too (it behaves like any Realtime connection): the SIP caller's keypad entries go this way.</remarks>
    public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return SendItemAsync(static (w, t) => w.WriteUserTextItem(t), text, respond: true, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A <c>message</c> item of role <c>system</c> with one <c>input_text</c> part, then <c>response.create</c> when asked.</remarks>
    public ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return SendItemAsync(static (w, t) => w.WriteSystemTextItem(t), text, respond, cancellationToken);
    }

    /// <summary>
    /// Declares <paramref name="tools"/> as the session's whole tool list (<c>session.update</c> with only <c>tools</c>):
    /// a SIP sideband's session was configured by the accept, and the worker may run tools the accept did not name.
    /// </summary>
    public ValueTask DeclareToolsAsync(IReadOnlyList<AgentTool> tools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        return SendFrameAsync(static (w, t) => w.WriteSessionToolsUpdate(SessionToolsEventId, t), tools, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask CancelResponseAsync(CancellationToken cancellationToken) =>
        SendFrameAsync(static (w, _) => w.WriteResponseCancel(), 0, cancellationToken);

    /// <inheritdoc />
    public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(itemId);
        return SendFrameAsync(static (w, s) => w.WriteItemTruncate(s.itemId, s.contentIndex, Math.Max(0, s.audioEndMs)),
            (itemId, contentIndex, audioEndMs), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        lock (_answeredToolCalls)
        {
            if (!_answeredToolCalls.Add(callId))
            {
                RealtimeEngineLog.DuplicateToolCall(_logger, callId);
                return ValueTask.CompletedTask;
            }
        }

        return SendItemAsync(static (w, s) => w.WriteFunctionCallOutput(s.callId, s.output ?? string.Empty), (callId, output), respond: true, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<EngineEvent> ReadEventsAsync(CancellationToken cancellationToken) =>
        _receiver.Events.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Deltas nobody read before the call ended go back to the pool.
        _receiver.Complete();
        _lifetime.Dispose();
        _sendLock.Dispose();
        _writer.Dispose();
    }

    private ValueTask<(string? Bearer, string? AzureKey)> ResolveCredentialsAsync(CancellationToken cancellationToken) =>
        _options.ResolveCredentialsAsync(cancellationToken);

    private ValueTask SendFrameAsync<TState>(Action<RealtimeClientEventWriter, TState> write, TState state, CancellationToken cancellationToken) =>
        SendItemAsync(write, state, respond: false, cancellationToken);

    // The item, then (when asked) the response that answers it, both under one lock: no audio slips between them.
    private async ValueTask SendItemAsync<TState>(
        Action<RealtimeClientEventWriter, TState> writeItem, TState state, bool respond, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("The Realtime engine is not started.");
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            writeItem(_writer, state);
            await connection.SendAsync(_writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            if (respond)
            {
                _writer.WriteResponseCreate(null);
                await connection.SendAsync(_writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
