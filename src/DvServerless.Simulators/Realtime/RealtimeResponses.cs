using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// A session's responses: at most one in flight, started by <c>response.create</c> or by server VAD, streamed in the
/// background by <see cref="RealtimeResponseStreamer"/>, and finished once — completed, or cancelled by
/// <c>response.cancel</c>, a barge-in or the end of the session — with <c>response.done</c>, usage, rate limits and
/// records. Callers hold the session's lock.
/// </summary>
internal sealed class RealtimeResponses
{
    private readonly RealtimeSessionContext _session;
    private readonly RealtimeConversation _conversation;
    private readonly RealtimeUsageMeter _usage;
    private readonly RealtimeOutputPlayback _playback;
    private readonly RealtimeResponseStreamer _streamer;
    private readonly Action _responseDone;
    private readonly Action? _responseStarted;
    private RealtimeActiveResponse? _active;

    /// <summary>
    /// Responses of one session; <c>responseDone</c> is told after each <c>response.done</c> is queued,
    /// <c>responseStarted</c> after each <c>response.created</c>.
    /// </summary>
    public RealtimeResponses(
        RealtimeSessionContext session,
        RealtimeConversation conversation,
        RealtimeUsageMeter usage,
        RealtimeOutputPlayback playback,
        Action responseDone,
        Action? responseStarted = null)
    {
        _responseStarted = responseStarted;
        _session = session;
        _conversation = conversation;
        _usage = usage;
        _playback = playback;
        _responseDone = responseDone;
        _streamer = new RealtimeResponseStreamer(session, conversation, playback, response => Finish(response, "completed", null));
    }

    /// <summary>True while a response is in flight.</summary>
    public bool IsActive => _active is not null;

    /// <summary>The id of the response that finished last, or null.</summary>
    public string? LastResponseId { get; private set; }

    /// <summary><c>response.create</c>.</summary>
    public RealtimeProtocolError? Create(JsonObject evt)
    {
        if (_session.Config.IsTranscriptionSession)
        {
            return new RealtimeProtocolError("invalid_value", "Responses are not available in transcription sessions.", "type");
        }

        if (_active is not null)
        {
            return new RealtimeProtocolError(
                "conversation_already_has_active_response",
                $"Conversation already has an active response in progress: {_active.Id}. Wait until the response is finished before creating a new one.");
        }

        var parameters = evt["response"];
        if (parameters is not null and not JsonObject)
        {
            return RealtimeProtocolError.InvalidType("response", "an object");
        }

        var instructionsNode = parameters?["instructions"];
        if (instructionsNode is not null && !RealtimeJson.IsString(instructionsNode))
        {
            return RealtimeProtocolError.InvalidType("response.instructions", "a string");
        }

        bool? textOnly = null;
        if (parameters?["output_modalities"] is { } modalities)
        {
            if (modalities is not JsonArray { Count: 1 } list || (string?)list[0] is not ("audio" or "text"))
            {
                return RealtimeProtocolError.InvalidValue("response.output_modalities", "Invalid 'response.output_modalities': use [\"audio\"] or [\"text\"].");
            }

            textOnly = (string?)list[0] == "text";
        }

        Start(ChooseReply((string?)instructionsNode), textOnly, parameters?["metadata"]);
        return null;
    }

    /// <summary><c>response.cancel</c>.</summary>
    public RealtimeProtocolError? Cancel(JsonObject evt)
    {
        var idNode = evt["response_id"];
        if (idNode is not null && !RealtimeJson.IsString(idNode))
        {
            return RealtimeProtocolError.InvalidType("response_id", "a string");
        }

        if (_active is null)
        {
            return new RealtimeProtocolError("response_cancel_not_active", "Cancellation failed: no active response found");
        }

        if (idNode is not null && (string?)idNode != _active.Id)
        {
            return RealtimeProtocolError.InvalidValue("response_id", $"Cancellation failed: response '{(string?)idNode}' is not in progress.");
        }

        Finish(_active, "cancelled", "client_cancelled");
        return null;
    }

    /// <summary>Server VAD heard the caller finish: the agent answers, unless a response is in flight already.</summary>
    public void ReplyToCallerIfIdle()
    {
        if (_active is null)
        {
            Start(ReplyToCaller(), null, null);
        }
    }

    /// <summary>The caller barged in: the response in flight is cancelled, or what still plays into the call is cut off.</summary>
    public void Interrupt()
    {
        if (_active is not null)
        {
            Finish(_active, "cancelled", "turn_detected");
        }
        else if (_playback.IsPlayingOut)
        {
            // Generated already but still playing into the call: the caller cuts it off there.
            _playback.Clear(null);
        }
    }

    /// <summary>The session is closing: the response in flight stops where it is, without a <c>response.done</c>.</summary>
    public void StopActive()
    {
        _active?.Stop();
        _active = null;
    }

    private string ReplyToCaller() =>
        (_session.Options.AgentReply ?? RealtimeSimulatorOptions.DefaultAgentReply)(_conversation.LastCallerTurn, _conversation.LastCallerText);

    private string ChooseReply(string? instructions)
    {
        var options = _session.Options;
        var last = _conversation.LastItem;
        if (last?.Type == "function_call_output")
        {
            var call = _conversation.FindFunctionCall((string?)last.Json["call_id"]);
            var name = (string?)call?.Json["name"] ?? "tool";
            var output = last.Transcript;
            return options.ToolResultReply?.Invoke(name, output)
                ?? $"Here is what I found: {(output.Length > 200 ? output[..200] : output)}";
        }

        if (!string.IsNullOrWhiteSpace(instructions))
        {
            return options.InstructedReply?.Invoke(instructions) ?? "Hello, thanks for calling. How can I help you today?";
        }

        if (last is { Type: "message", Role: "system" })
        {
            // The client told the model something mid-call (a transfer that failed): the model speaks to it.
            return options.SystemNoteReply?.Invoke(last.Transcript) ?? RealtimeSimulatorOptions.DefaultSystemNoteReply;
        }

        return last?.Role == "user" ? ReplyToCaller() : options.InstructedReply?.Invoke(string.Empty) ?? "Hello! How can I help you today?";
    }

    /// <summary>Sends <c>response.created</c> and runs the rest of the response in the background.</summary>
    private void Start(string text, bool? textOnly, JsonNode? metadata)
    {
        var response = new RealtimeActiveResponse(
            RealtimeIds.New("resp"), RealtimeIds.New("item"), text, textOnly ?? _session.Config.TextOnly, metadata?.DeepClone(), _session.Lifetime.Token);
        if (text.StartsWith("tool:", StringComparison.Ordinal))
        {
            var rest = text["tool:".Length..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            response.ToolName = space < 0 ? rest : rest[..space];
            response.ToolArguments = space < 0 ? "{}" : rest[(space + 1)..].Trim();
            response.CallId = RealtimeIds.New("call");
        }

        _active = response;
        var created = RealtimeServerEventQueue.NewEvent("response.created");
        created["response"] = ResponseObject(response, "in_progress", null, new JsonArray(), null);
        _session.Events.Send(created);
        _responseStarted?.Invoke();
        _ = Task.Run(() => RunAsync(response));
    }

    private async Task RunAsync(RealtimeActiveResponse response)
    {
        try
        {
            if (response.ToolName is not null || response.TextOnly)
            {
                lock (_session.Gate)
                {
                    if (!response.Finished)
                    {
                        if (response.ToolName is not null)
                        {
                            _streamer.EmitFunctionCall(response);
                        }
                        else
                        {
                            _streamer.EmitText(response);
                        }
                    }
                }

                return;
            }

            await _streamer.EmitAudioAsync(response).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by barge-in, response.cancel or the end of the session; Finish already reported it.
        }
        finally
        {
            // Unhooks it from the session's token, which would otherwise hold every response of a long call.
            response.Dispose();
        }
    }

    /// <summary>Ends a response: the item's <c>.done</c> events, <c>response.done</c>, <c>rate_limits.updated</c>, records.</summary>
    private void Finish(RealtimeActiveResponse response, string status, string? reason)
    {
        if (response.Finished)
        {
            return;
        }

        response.Stop();
        if (ReferenceEquals(_active, response))
        {
            _active = null;
        }

        LastResponseId = response.Id;
        var output = new JsonArray();
        var item = response.Item;
        if (item is not null)
        {
            if (status == "cancelled")
            {
                var heard = response.SpokenText.TrimEnd();
                item.Json["status"] = "incomplete";
                item.Transcript = item.Type == "function_call" ? item.Transcript : heard;
                if (item.Type == "message")
                {
                    item.Json["content"] = new JsonArray(item.HasAudio
                        ? new JsonObject { ["type"] = "output_audio", ["transcript"] = heard }
                        : new JsonObject { ["type"] = "output_text", ["text"] = heard });
                }
            }

            _session.Events.Send(response.OutputItemEvent("response.output_item.done"));
            _session.Events.Send(RealtimeConversation.ItemEvent("conversation.item.done", response.PreviousItemId, item));
            output.Add(item.Json.DeepClone());
        }

        var producedMs = item?.ProducedAudioMs ?? 0;
        var usage = _usage.Measure(response.ToolArguments ?? response.SpokenText, producedMs);
        var statusDetails = status == "cancelled" ? new JsonObject { ["type"] = "cancelled", ["reason"] = reason } : null;
        var done = RealtimeServerEventQueue.NewEvent("response.done");
        done["response"] = ResponseObject(response, status, statusDetails, output, RealtimeUsageMeter.ToJson(usage));
        _session.Events.Send(done);
        if (status == "cancelled")
        {
            // A cancelled response stops playing at once (SIP: the server flushes what was queued for the call).
            if (_playback.PlayingResponseId == response.Id)
            {
                _playback.Clear(response.Id);
            }
        }
        else
        {
            _playback.OnOutputAudioComplete(response.Id);
        }

        _session.Events.Send(_usage.Charge(usage));
        _responseDone();

        _session.Records.AddResponse(
            new RealtimeResponseRecord(_session.SessionId, response.Id, response.ItemId, response.ToolArguments ?? response.Text, producedMs, status, reason, response.ToolName),
            usage);
        if (item is not null && item.Type == "message")
        {
            _session.Records.AddTranscript(new RealtimeTranscriptRecord(_session.SessionId, item.Id, "assistant", item.Transcript));
        }

        RealtimeSimulatorLog.ResponseFinished(_session.Logger, _session.SessionId, response.Id, status, producedMs);
    }

    private JsonObject ResponseObject(RealtimeActiveResponse response, string status, JsonObject? statusDetails, JsonArray output, JsonObject? usage)
    {
        var config = _session.Config;
        return new()
        {
            ["object"] = "realtime.response",
            ["id"] = response.Id,
            ["status"] = status,
            ["status_details"] = statusDetails,
            ["output"] = output,
            ["conversation_id"] = _session.ConversationId,
            ["output_modalities"] = new JsonArray(response.TextOnly ? "text" : "audio"),
            ["max_output_tokens"] = config.Session["max_output_tokens"]?.DeepClone() ?? "inf",
            ["audio"] = new JsonObject { ["output"] = new JsonObject { ["format"] = config.OutputFormat, ["voice"] = config.Voice?.DeepClone() ?? "alloy" } },
            ["usage"] = usage,
            ["metadata"] = response.Metadata?.DeepClone(),
        };
    }
}
