using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// The receiving half of a <see cref="RealtimeEngine"/>: reads the server's frames off the connection, completes the
/// start-up handshake (<see cref="SessionReady"/>), counts token usage and publishes the frames as <see cref="EngineEvent"/>s
/// (pooled audio deltas first, they are most frames), ending with <see cref="EngineClosed"/> when the connection does.
/// </summary>
internal sealed class RealtimeEventReceiver
{
    private const string IdleTimeoutTriggered = "input_audio_buffer.timeout_triggered";

    private readonly string _callId;
    private readonly string _model;
    private readonly bool _sideband;
    private readonly ILogger _logger;
    private readonly Channel<EngineEvent> _events =
        Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly RealtimeAudioDeltaReader _audioDeltas = new();
    private readonly HashSet<string> _requestedToolCalls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loggedIgnoredTypes = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _sessionReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _usageLock = new();
    private EngineUsage _usage = new();

    /// <summary>Creates the receiver of one session; <paramref name="sideband"/> takes <c>session.created</c> as ready.</summary>
    public RealtimeEventReceiver(string callId, string model, bool sideband, ILogger logger)
    {
        _callId = callId;
        _model = model;
        _sideband = sideband;
        _logger = logger;
    }

    /// <summary>Completes when the session is configured; faults when the service refused it or the connection closed first.</summary>
    public Task SessionReady => _sessionReady.Task;

    /// <summary>The published events, for the engine's one reader.</summary>
    public ChannelReader<EngineEvent> Events => _events.Reader;

    /// <summary>Token usage so far (every <c>response.done</c> and input transcription).</summary>
    public EngineUsage Usage
    {
        get
        {
            lock (_usageLock)
            {
                return _usage;
            }
        }
    }

    /// <summary>Reads <paramref name="connection"/> until it closes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(OpenAIRealtimeConnection connection, CancellationToken cancellationToken)
    {
        var parsed = new List<EngineEvent>(4);
        string reason;
        try
        {
            await foreach (var json in connection.ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_audioDeltas.TryRead(json.Span, out var audio))
                {
                    // Most frames are audio: a pooled delta the call loop releases (or, if nobody reads any more, nobody).
                    if (!_events.Writer.TryWrite(audio!))
                    {
                        audio!.Release();
                    }

                    continue;
                }

                Handle(json, parsed);
            }

            reason = DescribeClose(connection);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "closed by the client";
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException
                                       or System.ClientModel.ClientResultException)
        {
            reason = connection.CloseStatus is not null ? DescribeClose(connection) : ex.Message;
        }

        RealtimeEngineLog.Closed(_logger, _callId, reason);
        _sessionReady.TrySetException(new InvalidOperationException($"The Realtime connection closed before the session was configured: {reason}"));
        _events.Writer.TryWrite(new EngineClosed(reason));
        _events.Writer.TryComplete();
    }

    /// <summary>Ends the events (the engine is disposed) and returns the pooled deltas nobody read.</summary>
    public void Complete()
    {
        _events.Writer.TryComplete();
        while (_events.Reader.TryRead(out var unread))
        {
            (unread as AgentAudioDelta)?.Release();
        }
    }

    private void Handle(ReadOnlyMemory<byte> json, List<EngineEvent> parsed)
    {
        parsed.Clear();
        string? type;
        EngineUsage? usage;
        try
        {
            type = RealtimeServerEventParser.Parse(json, parsed, out usage);
        }
        catch (JsonException ex)
        {
            RealtimeEngineLog.BadFrame(_logger, _callId, ex);
            return;
        }

        if (type is null || (!_sessionReady.Task.IsCompleted && HandleBeforeReady(type, parsed)))
        {
            return;
        }

        if (usage is not null)
        {
            lock (_usageLock)
            {
                _usage = _usage.Add(usage);
            }

            // After the response's own events, so the call loop counts the cost of a response it has seen end.
            parsed.Add(new EngineUsageReported(usage, _model));
        }

        if (parsed.Count == 0 && type == IdleTimeoutTriggered)
        {
            // Known, not ignored: the service's input idle timeout (idle_timeout_ms, which we do not set) committed the
            // silence and starts a response itself; its response.created and audio come as for any other answer.
            RealtimeEngineLog.IdleTimeoutTriggered(_logger, _callId);
            return;
        }

        if (parsed.Count == 0)
        {
            // Once per type: several unmapped types (text deltas, transcription deltas) come per chunk.
            if (_loggedIgnoredTypes.Add(type))
            {
                RealtimeEngineLog.EventIgnored(_logger, type);
            }

            return;
        }

        foreach (var engineEvent in parsed)
        {
            Publish(engineEvent);
        }
    }

    /// <returns>True when the frame was consumed by the start-up handshake.</returns>
    private bool HandleBeforeReady(string type, List<EngineEvent> parsed)
    {
        switch (type)
        {
            case "session.created" when _sideband:
                // A sideband attaches to a session the accept already configured: its first event means ready.
                _sessionReady.TrySetResult();
                return true;
            case "session.updated":
                _sessionReady.TrySetResult();
                return true;
            case "error":
                var error = parsed.OfType<EngineError>().FirstOrDefault();
                var message = error is null ? "unknown error" : error.Code is null ? error.Message : $"{error.Code}: {error.Message}";
                _sessionReady.TrySetException(new InvalidOperationException($"The Realtime service rejected the session: {message}"));
                return true;
            default:
                return false;
        }
    }

    private void Publish(EngineEvent engineEvent)
    {
        switch (engineEvent)
        {
            case ToolCallRequested tool when !_requestedToolCalls.Add(tool.CallId):
                // The same call comes from function_call_arguments.done and from response.done's output.
                return;
            case EngineError error:
                RealtimeEngineLog.ServerError(_logger, _callId, error.Code, error.Message);
                break;
            case ResponseFinished finished:
                RealtimeEngineLog.ResponseFinished(_logger, finished.ResponseId, finished.Status, finished.Reason);
                break;
        }

        _events.Writer.TryWrite(engineEvent);
    }

    private static string DescribeClose(OpenAIRealtimeConnection connection) => connection.CloseStatus switch
    {
        null => "connection closed",
        var status => $"{(int)status} {connection.CloseStatusDescription}".TrimEnd(),
    };
}
