using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Validates each client message of a session and hands it to the part that owns it; anything wrong is answered with
/// an <c>error</c> event (and recorded) while nothing changes. Called under the session's lock.
/// </summary>
internal sealed class RealtimeClientEventDispatcher(
    RealtimeSessionContext session,
    RealtimeInputAudioBuffer input,
    RealtimeConversation conversation,
    RealtimeResponses responses,
    RealtimeOutputPlayback playback)
{
    private static readonly string[] ClientEventTypes =
    [
        "session.update", "input_audio_buffer.append", "input_audio_buffer.commit", "input_audio_buffer.clear",
        "conversation.item.create", "conversation.item.retrieve", "conversation.item.truncate", "conversation.item.delete",
        "response.create", "response.cancel", "output_audio_buffer.clear",
    ];

    /// <summary>Validates one client frame and dispatches it.</summary>
    public void Handle(WebSocketMessageType messageType, ReadOnlySpan<byte> payload)
    {
        if (messageType != WebSocketMessageType.Text)
        {
            RecordClientEvent("(binary)", null);
            SendError(new RealtimeProtocolError("invalid_event", "Binary frames are not supported; send JSON text events."), null);
            return;
        }

        // Fifty appends a second per call: the plain ones skip the document model (a load run's harness collects less).
        if (RealtimeAppendFrame.TryRead(payload, out var audioRange)
            && RealtimeInputAudioBuffer.TryDecodeBase64(payload[audioRange], out var audio, out var length))
        {
            try
            {
                RecordClientEvent("input_audio_buffer.append", null);
                input.AppendAudio(audio.AsSpan(0, length));
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(audio);
            }

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
        var eventId = RealtimeJson.IsString(eventIdNode) ? (string?)eventIdNode : null;
        var typeNode = evt["type"];
        var type = RealtimeJson.IsString(typeNode) ? (string)typeNode! : null;
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
            "input_audio_buffer.append" => input.Append(evt),
            "input_audio_buffer.commit" => input.Commit(),
            "input_audio_buffer.clear" => input.Clear(),
            "conversation.item.create" => conversation.Create(evt),
            "conversation.item.retrieve" => conversation.Retrieve(evt),
            "conversation.item.truncate" => conversation.Truncate(evt),
            "conversation.item.delete" => conversation.Delete(evt),
            "response.create" => responses.Create(evt),
            "response.cancel" => responses.Cancel(evt),
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

        var config = session.Config;
        var error = config.TryApply(evt["session"]);
        if (error is not null)
        {
            return error;
        }

        input.ApplyInputFormat();
        var updated = RealtimeServerEventQueue.NewEvent("session.updated");
        updated["session"] = config.Session.DeepClone();
        session.Events.Send(updated);
        var json = config.Session.ToJsonString();
        session.Records.UpdateSession(session.SessionId, s => s with { EffectiveConfigurationJson = json });
        return null;
    }

    private RealtimeProtocolError? ClearOutputAudio()
    {
        if (session.CallId is null)
        {
            // spec RealtimeClientEventOutputAudioBufferClear: "WebRTC/SIP Only".
            return new RealtimeProtocolError(
                "invalid_value", "output_audio_buffer.clear is only supported for WebRTC and SIP sessions; truncate the item instead.", "type");
        }

        playback.Clear(responses.LastResponseId);
        return null;
    }

    private void SendError(RealtimeProtocolError error, string? clientEventId)
    {
        var evt = RealtimeServerEventQueue.NewEvent("error");
        evt["error"] = new JsonObject
        {
            ["type"] = "invalid_request_error",
            ["code"] = error.Code,
            ["message"] = error.Message,
            ["param"] = error.Param,
            ["event_id"] = clientEventId,
        };
        session.Events.Send(evt);
        session.Records.AddError(new RealtimeErrorRecord(session.SessionId, error.Code, error.Message, error.Param, clientEventId));
        RealtimeSimulatorLog.ErrorSent(session.Logger, session.SessionId, error.Code, error.Message);
    }

    private void RecordClientEvent(string type, string? eventId)
    {
        if (!session.Options.RecordAudioAppends && type == "input_audio_buffer.append")
        {
            return;
        }

        session.Records.AddClientEvent(new RealtimeClientEventRecord(session.SessionId, session.Time.GetUtcNow(), type, eventId));
    }
}
