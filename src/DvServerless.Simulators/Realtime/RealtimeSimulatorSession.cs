using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// One simulated Realtime WebSocket session: sends <c>session.created</c> and <c>conversation.created</c>, then
/// validates and answers client events one at a time. All session state is guarded by one lock and every server event
/// is queued, under that lock, to a single sender, so the order on the wire is the order decisions were made in —
/// even when the paced response generator and the receive loop act at the same moment.
/// </summary>
internal sealed partial class RealtimeSimulatorSession
{
    // A whole 15 MiB append is ~20 MiB of base64 JSON; anything bigger than this is not a Realtime event.
    private const int MaxMessageBytes = 32 * 1024 * 1024;

    private static readonly string[] ClientEventTypes =
    [
        "session.update", "input_audio_buffer.append", "input_audio_buffer.commit", "input_audio_buffer.clear",
        "conversation.item.create", "conversation.item.retrieve", "conversation.item.truncate", "conversation.item.delete",
        "response.create", "response.cancel", "output_audio_buffer.clear",
    ];

    private readonly WebSocket _socket;
    private readonly RealtimeSimulatorOptions _options;
    private readonly RealtimeSimulatorRecords _records;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<OutboundFrame> _outbound = Channel.CreateUnbounded<OutboundFrame>(new() { SingleReader = true });
    private readonly object _state = new();
    private readonly CancellationTokenSource _lifetime;
    private readonly string? _callId;
    private readonly string _conversationId = RealtimeIds.New("conv");
    private RealtimeSessionConfiguration _config;
    private bool _closing;
    private string? _closeReason;

    public RealtimeSimulatorSession(
        WebSocket socket,
        RealtimeSimulatorOptions options,
        RealtimeSimulatorRecords records,
        string model,
        string? callId,
        bool transcription,
        ILogger logger,
        CancellationToken shutdown)
    {
        _socket = socket;
        _options = options;
        _records = records;
        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = logger;
        _callId = callId;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        SessionId = RealtimeIds.New("sess");
        var expiresAt = (_time.GetUtcNow() + options.MaxSessionDuration).ToUnixTimeSeconds();
        _config = RealtimeSessionConfiguration.CreateDefault(options, SessionId, model, expiresAt, transcription);
        Model = model;
        _inputRate = 24_000;
        _vad = new EnergyVoiceActivityDetector(_inputRate);
    }

    public string SessionId { get; }

    public string Model { get; }

    public async Task RunAsync()
    {
        lock (_state)
        {
            var created = Event("session.created");
            created["session"] = _config.Session.DeepClone();
            Enqueue(created);
            var conversation = Event("conversation.created");
            conversation["conversation"] = new JsonObject { ["id"] = _conversationId, ["object"] = "realtime.conversation" };
            Enqueue(conversation);
        }

        _records.AddSession(new RealtimeSessionRecord(
            SessionId, _callId is null && !_config.IsTranscriptionSession ? Model : null, _callId, _config.IsTranscriptionSession,
            _time.GetUtcNow(), _config.Session.ToJsonString()));
        RealtimeSimulatorLog.SessionStarted(_logger, SessionId, Model);

        using var drop = StartConnectionDrop();
        using var limit = _time.CreateTimer(
            static state => ((RealtimeSimulatorSession)state!).CloseAtMaximumDuration(), this, _options.MaxSessionDuration, Timeout.InfiniteTimeSpan);
        var sender = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _closeReason ??= ex is OperationCanceledException ? "simulator stopped" : "connection lost: " + ex.Message;
        }
        finally
        {
            lock (_state)
            {
                _closing = true;
                _active?.Stop();
                _active = null;
            }

            _outbound.Writer.TryComplete();
            await sender.ConfigureAwait(false);
            var reason = _closeReason ?? "closed";
            _records.UpdateSession(SessionId, s => s with { EndedAt = _time.GetUtcNow(), CloseReason = reason });
            RealtimeSimulatorLog.SessionEnded(_logger, SessionId, reason);
            _lifetime.Dispose();
        }
    }

    private void CloseAtMaximumDuration()
    {
        lock (_state)
        {
            if (_closing)
            {
                return;
            }

            // Measured from the live service: close 1001 with this exact reason (PROTOCOL §1.1).
            _active?.Stop();
            _active = null;
            BeginClose(WebSocketCloseStatus.EndpointUnavailable, "Your session hit the maximum duration of 60 minutes.");
        }
    }

    private void BeginClose(WebSocketCloseStatus status, string reason)
    {
        _closing = true;
        _closeReason ??= reason;
        _outbound.Writer.TryWrite(new OutboundFrame(null, status, reason));
        // The client has a few seconds to answer the close; then the receive loop gives up.
        _lifetime.CancelAfter(TimeSpan.FromSeconds(5));
    }

    private async Task ReceiveLoopAsync()
    {
        var token = _lifetime.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lock (_state)
                    {
                        if (!_closing)
                        {
                            _closing = true;
                            _closeReason ??= $"client closed ({(int?)_socket.CloseStatus} {_socket.CloseStatusDescription})";
                            _outbound.Writer.TryWrite(new OutboundFrame(null, WebSocketCloseStatus.NormalClosure, string.Empty));
                        }
                    }

                    return;
                }

                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    lock (_state)
                    {
                        BeginClose(WebSocketCloseStatus.MessageTooBig, "Message too big.");
                    }

                    message.ResetWrittenCount();
                    continue;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                lock (_state)
                {
                    if (!_closing)
                    {
                        HandleMessage(result.MessageType, message.WrittenSpan);
                    }
                }

                message.ResetWrittenCount();
                if (message.Capacity > 1024 * 1024)
                {
                    message = new ArrayBufferWriter<byte>(64 * 1024);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (frame.Drop is { } dropped)
                {
                    await DropAsync(dropped).ConfigureAwait(false);
                    break;
                }

                if (frame.CloseStatus is { } status)
                {
                    if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                        await _socket.CloseOutputAsync(status, frame.CloseReason, timeout.Token).ConfigureAwait(false);
                    }

                    continue;
                }

                if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    continue;
                }

                var bytes = Encoding.UTF8.GetBytes(frame.Json!);
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _lifetime.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is gone; the receive loop ends the session.
        }
    }

    /// <summary>Validates one client frame and dispatches it. Called under the state lock.</summary>
    private void HandleMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload)
    {
        if (messageType != WebSocketMessageType.Text)
        {
            RecordClientEvent("(binary)", null);
            SendError(new RealtimeProtocolError("invalid_event", "Binary frames are not supported; send JSON text events."), null);
            return;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            RecordClientEvent("(invalid)", null);
            SendError(new RealtimeProtocolError("invalid_json", "The event could not be parsed as JSON."), null);
            return;
        }

        if (node is not JsonObject evt)
        {
            RecordClientEvent("(invalid)", null);
            SendError(new RealtimeProtocolError("invalid_event", "The event must be a JSON object."), null);
            return;
        }

        var eventIdNode = evt["event_id"];
        var eventId = RealtimeSessionConfiguration.IsString(eventIdNode) ? (string?)eventIdNode : null;
        var typeNode = evt["type"];
        var type = RealtimeSessionConfiguration.IsString(typeNode) ? (string)typeNode! : null;
        RecordClientEvent(type ?? "(invalid)", eventId);
        if (eventIdNode is not null && eventId is null)
        {
            SendError(RealtimeProtocolError.InvalidType("event_id", "a string"), null);
            return;
        }

        if (type is null)
        {
            SendError(typeNode is null
                ? new RealtimeProtocolError("invalid_event", "The 'type' field is missing.", "type")
                : RealtimeProtocolError.InvalidType("type", "a string"), eventId);
            return;
        }

        var error = type switch
        {
            "session.update" => UpdateSession(evt),
            "input_audio_buffer.append" => AppendInputAudio(evt),
            "input_audio_buffer.commit" => CommitInputAudio(),
            "input_audio_buffer.clear" => ClearInputAudio(),
            "conversation.item.create" => CreateItem(evt),
            "conversation.item.retrieve" => RetrieveItem(evt),
            "conversation.item.truncate" => TruncateItem(evt),
            "conversation.item.delete" => DeleteItem(evt),
            "response.create" => CreateResponse(evt),
            "response.cancel" => CancelResponse(evt),
            "output_audio_buffer.clear" => ClearOutputAudio(),
            _ => RealtimeProtocolError.InvalidValue(
                "type", $"Invalid value: '{type}'. Supported values are: {string.Join(", ", ClientEventTypes.Select(t => $"'{t}'"))}."),
        };
        if (error is not null)
        {
            SendError(error, eventId);
        }
    }

    private RealtimeProtocolError? UpdateSession(JsonObject evt)
    {
        if (!evt.ContainsKey("session"))
        {
            return RealtimeProtocolError.Missing("session");
        }

        var error = _config.TryApply(evt["session"]);
        if (error is not null)
        {
            return error;
        }

        ApplyInputFormat();
        var updated = Event("session.updated");
        updated["session"] = _config.Session.DeepClone();
        Enqueue(updated);
        var json = _config.Session.ToJsonString();
        _records.UpdateSession(SessionId, s => s with { EffectiveConfigurationJson = json });
        return null;
    }

    private RealtimeProtocolError? ClearOutputAudio()
    {
        if (_callId is null)
        {
            // spec RealtimeClientEventOutputAudioBufferClear: "WebRTC/SIP Only".
            return new RealtimeProtocolError(
                "invalid_value", "output_audio_buffer.clear is only supported for WebRTC and SIP sessions; truncate the item instead.", "type");
        }

        ClearPlayback(_lastResponseId);
        return null;
    }

    private void SendError(RealtimeProtocolError error, string? clientEventId)
    {
        var evt = Event("error");
        evt["error"] = new JsonObject
        {
            ["type"] = "invalid_request_error",
            ["code"] = error.Code,
            ["message"] = error.Message,
            ["param"] = error.Param,
            ["event_id"] = clientEventId,
        };
        Enqueue(evt);
        _records.AddError(new RealtimeErrorRecord(SessionId, error.Code, error.Message, error.Param, clientEventId));
        RealtimeSimulatorLog.ErrorSent(_logger, SessionId, error.Code, error.Message);
    }

    private void RecordClientEvent(string type, string? eventId)
    {
        if (!_options.RecordAudioAppends && type == "input_audio_buffer.append")
        {
            return;
        }

        _records.AddClientEvent(new RealtimeClientEventRecord(SessionId, _time.GetUtcNow(), type, eventId));
    }

    /// <summary>A new server event with its <c>type</c> and a fresh <c>event_id</c> first, as the service orders them.</summary>
    private static JsonObject Event(string type) => new() { ["type"] = type, ["event_id"] = RealtimeIds.New("event") };

    private void Enqueue(JsonObject evt) => _outbound.Writer.TryWrite(new OutboundFrame(evt.ToJsonString(), null, null));

    private readonly record struct OutboundFrame(string? Json, WebSocketCloseStatus? CloseStatus, string? CloseReason, RealtimeDropRecord? Drop = null);
}
