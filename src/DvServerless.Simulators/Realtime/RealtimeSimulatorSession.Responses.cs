using DvServerless.Core.Audio;
using System.Buffers.Binary;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The output side: responses (spoken, text-only or a scripted function call), their paced audio, cancellation,
/// truncation, usage and rate limits.
/// </summary>
internal sealed partial class RealtimeSimulatorSession
{
    // Deltas of varying size that are not multiples of a 20 ms frame (960 bytes): clients must not assume alignment
    // (openai-openapi b0da4eab: "variable length of output audio deltas").
    private static readonly int[] PcmChunkBytes = [1200, 3600, 5000, 7202];
    private static readonly int[] G711ChunkBytes = [200, 600, 834, 1201];
    private static readonly Regex Words = new(@"\S+\s*", RegexOptions.Compiled);

    private ActiveResponse? _active;
    private string? _lastResponseId;
    private long _contextTextTokens;
    private long _contextAudioTokens;
    private long _previousInputTokens;
    private long _tokensUsed;
    private int _requestsUsed;

    private string ReplyToCaller() =>
        (_options.AgentReply ?? RealtimeSimulatorOptions.DefaultAgentReply)(Math.Max(0, _lastCallerTurn), _lastCallerText);

    private RealtimeProtocolError? CreateResponse(JsonObject evt)
    {
        if (_config.IsTranscriptionSession)
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
        if (instructionsNode is not null && !RealtimeSessionConfiguration.IsString(instructionsNode))
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

        StartResponse(ChooseReply((string?)instructionsNode), textOnly, parameters?["metadata"]);
        return null;
    }

    private string ChooseReply(string? instructions)
    {
        var last = _items.Count > 0 ? _items[^1] : null;
        if (last?.Type == "function_call_output")
        {
            var callId = (string?)last.Json["call_id"];
            var call = _items.FindLast(i => i.Type == "function_call" && (string?)i.Json["call_id"] == callId);
            var name = (string?)call?.Json["name"] ?? "tool";
            var output = last.Transcript;
            return _options.ToolResultReply?.Invoke(name, output)
                ?? $"Here is what I found: {(output.Length > 200 ? output[..200] : output)}";
        }

        if (!string.IsNullOrWhiteSpace(instructions))
        {
            return _options.InstructedReply?.Invoke(instructions) ?? "Hello, thanks for calling. How can I help you today?";
        }

        return last?.Role == "user" ? ReplyToCaller() : _options.InstructedReply?.Invoke(string.Empty) ?? "Hello! How can I help you today?";
    }

    /// <summary>Sends <c>response.created</c> and runs the rest of the response in the background.</summary>
    private void StartResponse(string text, bool? textOnly, JsonNode? metadata)
    {
        var response = new ActiveResponse(RealtimeIds.New("resp"), RealtimeIds.New("item"), text, textOnly ?? _config.TextOnly, metadata?.DeepClone(), _lifetime.Token);
        if (text.StartsWith("tool:", StringComparison.Ordinal))
        {
            var rest = text["tool:".Length..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            response.ToolName = space < 0 ? rest : rest[..space];
            response.ToolArguments = space < 0 ? "{}" : rest[(space + 1)..].Trim();
            response.CallId = RealtimeIds.New("call");
        }

        _active = response;
        var created = Event("response.created");
        created["response"] = ResponseObject(response, "in_progress", null, new JsonArray(), null);
        Enqueue(created);
        _ = Task.Run(() => RunResponseAsync(response));
    }

    private async Task RunResponseAsync(ActiveResponse response)
    {
        try
        {
            if (response.ToolName is not null)
            {
                lock (_state)
                {
                    if (!response.Finished)
                    {
                        EmitFunctionCall(response);
                    }
                }

                return;
            }

            if (response.TextOnly)
            {
                lock (_state)
                {
                    if (!response.Finished)
                    {
                        EmitText(response);
                    }
                }

                return;
            }

            await EmitAudioAsync(response).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by barge-in, response.cancel or the end of the session; FinishResponse already reported it.
        }
        finally
        {
            // Unhooks it from the session's token, which would otherwise hold every response of a long call.
            response.Dispose();
        }
    }

    private void EmitFunctionCall(ActiveResponse response)
    {
        var item = new JsonObject
        {
            ["id"] = response.ItemId,
            ["object"] = "realtime.item",
            ["type"] = "function_call",
            ["status"] = "in_progress",
            ["name"] = response.ToolName,
            ["call_id"] = response.CallId,
            ["arguments"] = string.Empty,
        };
        AddOutputItem(response, new ConversationItem(response.ItemId, "function_call", null, item));
        var arguments = response.ToolArguments!;
        var step = Math.Max(1, (arguments.Length + 2) / 3);
        for (var offset = 0; offset < arguments.Length; offset += step)
        {
            var delta = ResponseEvent("response.function_call_arguments.delta", response, withContentIndex: false);
            delta["call_id"] = response.CallId;
            delta["delta"] = arguments.Substring(offset, Math.Min(step, arguments.Length - offset));
            Enqueue(delta);
        }

        var done = ResponseEvent("response.function_call_arguments.done", response, withContentIndex: false);
        done["call_id"] = response.CallId;
        done["name"] = response.ToolName;
        done["arguments"] = arguments;
        Enqueue(done);
        item["status"] = "completed";
        item["arguments"] = arguments;
        response.Item!.Transcript = arguments;
        FinishResponse(response, "completed", null);
    }

    private void EmitText(ActiveResponse response)
    {
        AddOutputItem(response, AssistantItem(response));
        var added = ResponseEvent("response.content_part.added", response, withContentIndex: true);
        added["part"] = new JsonObject { ["type"] = "output_text", ["text"] = string.Empty };
        Enqueue(added);
        foreach (Match word in Words.Matches(response.Text))
        {
            var delta = ResponseEvent("response.output_text.delta", response, withContentIndex: true);
            delta["delta"] = word.Value;
            Enqueue(delta);
        }

        response.SpokenChars = response.Text.Length;
        var done = ResponseEvent("response.output_text.done", response, withContentIndex: true);
        done["text"] = response.Text;
        Enqueue(done);
        var partDone = ResponseEvent("response.content_part.done", response, withContentIndex: true);
        partDone["part"] = new JsonObject { ["type"] = "output_text", ["text"] = response.Text };
        Enqueue(partDone);
        response.Item!.Json["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = response.Text });
        response.Item.Json["status"] = "completed";
        response.Item.Transcript = response.Text;
        FinishResponse(response, "completed", null);
    }

    private async Task EmitAudioAsync(ActiveResponse response)
    {
        var pcm = _config.OutputFormatType == "audio/pcm";
        var rate = pcm ? 24_000 : 8_000;
        byte[] audio;
        lock (_state)
        {
            if (response.Finished)
            {
                return;
            }

            var item = AssistantItem(response);
            item.HasAudio = true;
            AddOutputItem(response, item);
            var added = ResponseEvent("response.content_part.added", response, withContentIndex: true);
            added["part"] = new JsonObject { ["type"] = "output_audio", ["transcript"] = string.Empty };
            Enqueue(added);
        }

        var samples = AgentSpeechSynthesizer.Synthesize(response.Text, response.Text.Length * _options.SpeechMsPerCharacter, rate);
        audio = Encode(samples, _config.OutputFormatType);
        var bytesPerMs = pcm ? 48.0 : 8.0;
        var chunks = pcm ? PcmChunkBytes : G711ChunkBytes;
        var words = Words.Matches(response.Text);
        var wordIndex = 0;
        var offset = 0;
        for (var chunk = 0; offset < audio.Length; chunk++)
        {
            var size = Math.Min(chunks[chunk % chunks.Length], audio.Length - offset);
            lock (_state)
            {
                if (response.Finished)
                {
                    return;
                }

                var delta = ResponseEvent("response.output_audio.delta", response, withContentIndex: true);
                delta["delta"] = Convert.ToBase64String(audio, offset, size);
                Enqueue(delta);
                OnOutputAudioProduced(response.Id, size / bytesPerMs);
                offset += size;
                response.Item!.ProducedAudioMs = offset / bytesPerMs;
                // The transcript keeps pace with the audio: each word is sent once its share of audio has been.
                var spokenShare = (double)offset / audio.Length;
                while (wordIndex < words.Count && words[wordIndex].Index + words[wordIndex].Length <= spokenShare * response.Text.Length + 0.5)
                {
                    var transcript = ResponseEvent("response.output_audio_transcript.delta", response, withContentIndex: true);
                    transcript["delta"] = words[wordIndex].Value;
                    Enqueue(transcript);
                    response.SpokenChars = words[wordIndex].Index + words[wordIndex].Length;
                    wordIndex++;
                }
            }

            var wait = TimeSpan.FromMilliseconds(size / bytesPerMs / _options.GenerationSpeed);
            if (wait >= TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, _time, response.Cancellation).ConfigureAwait(false);
            }
            else if (chunk % 8 == 7)
            {
                await Task.Yield();
            }
        }

        lock (_state)
        {
            if (response.Finished)
            {
                return;
            }

            for (; wordIndex < words.Count; wordIndex++)
            {
                var transcript = ResponseEvent("response.output_audio_transcript.delta", response, withContentIndex: true);
                transcript["delta"] = words[wordIndex].Value;
                Enqueue(transcript);
            }

            response.SpokenChars = response.Text.Length;
            Enqueue(ResponseEvent("response.output_audio.done", response, withContentIndex: true));
            var transcriptDone = ResponseEvent("response.output_audio_transcript.done", response, withContentIndex: true);
            transcriptDone["transcript"] = response.Text;
            Enqueue(transcriptDone);
            var partDone = ResponseEvent("response.content_part.done", response, withContentIndex: true);
            partDone["part"] = new JsonObject { ["type"] = "output_audio", ["transcript"] = response.Text };
            Enqueue(partDone);
            response.Item!.Json["content"] = new JsonArray(new JsonObject { ["type"] = "output_audio", ["transcript"] = response.Text });
            response.Item.Json["status"] = "completed";
            response.Item.Transcript = response.Text;
            FinishResponse(response, "completed", null);
        }
    }

    private static byte[] Encode(short[] samples, string formatType)
    {
        if (formatType == "audio/pcm")
        {
            var bytes = new byte[samples.Length * 2];
            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
            }

            return bytes;
        }

        var mu = formatType == "audio/pcmu";
        var encoded = new byte[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            encoded[i] = mu ? G711.EncodeMulaw(samples[i]) : G711.EncodeAlaw(samples[i]);
        }

        return encoded;
    }

    private static ConversationItem AssistantItem(ActiveResponse response) => new(
        response.ItemId,
        "message",
        "assistant",
        new JsonObject
        {
            ["id"] = response.ItemId,
            ["object"] = "realtime.item",
            ["type"] = "message",
            ["status"] = "in_progress",
            ["role"] = "assistant",
            ["content"] = new JsonArray(),
        });

    /// <summary>
    /// <c>response.output_item.added</c>, then <c>conversation.item.added</c>: the service announces response items
    /// in the conversation too (spec example of <c>conversation.item.done</c> carries an assistant item).
    /// </summary>
    private void AddOutputItem(ActiveResponse response, ConversationItem item)
    {
        response.Item = item;
        var previous = _items.Count > 0 ? _items[^1].Id : null;
        _items.Add(item);
        var added = Event("response.output_item.added");
        added["response_id"] = response.Id;
        added["output_index"] = 0;
        added["item"] = item.Json.DeepClone();
        Enqueue(added);
        var conversationAdded = Event("conversation.item.added");
        conversationAdded["previous_item_id"] = previous;
        conversationAdded["item"] = item.Json.DeepClone();
        Enqueue(conversationAdded);
        response.PreviousItemId = previous;
    }

    /// <summary>Ends a response: the item's <c>.done</c> events, <c>response.done</c>, <c>rate_limits.updated</c>, records.</summary>
    private void FinishResponse(ActiveResponse response, string status, string? reason)
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

        _lastResponseId = response.Id;
        var output = new JsonArray();
        var item = response.Item;
        if (item is not null)
        {
            if (status == "cancelled")
            {
                var heard = response.Text[..Math.Min(response.SpokenChars, response.Text.Length)].TrimEnd();
                item.Json["status"] = "incomplete";
                item.Transcript = item.Type == "function_call" ? item.Transcript : heard;
                if (item.Type == "message")
                {
                    item.Json["content"] = new JsonArray(item.HasAudio
                        ? new JsonObject { ["type"] = "output_audio", ["transcript"] = heard }
                        : new JsonObject { ["type"] = "output_text", ["text"] = heard });
                }
            }

            var itemDone = Event("response.output_item.done");
            itemDone["response_id"] = response.Id;
            itemDone["output_index"] = 0;
            itemDone["item"] = item.Json.DeepClone();
            Enqueue(itemDone);
            var conversationDone = Event("conversation.item.done");
            conversationDone["previous_item_id"] = response.PreviousItemId;
            conversationDone["item"] = item.Json.DeepClone();
            Enqueue(conversationDone);
            output.Add(item.Json.DeepClone());
        }

        var usage = ComputeUsage(response);
        var statusDetails = status == "cancelled" ? new JsonObject { ["type"] = "cancelled", ["reason"] = reason } : null;
        var done = Event("response.done");
        done["response"] = ResponseObject(response, status, statusDetails, output, UsageObject(usage));
        Enqueue(done);
        if (status == "cancelled")
        {
            // A cancelled response stops playing at once (SIP: the server flushes what was queued for the call).
            if (_playbackResponseId == response.Id)
            {
                ClearPlayback(response.Id);
            }
        }
        else
        {
            OnOutputAudioComplete(response.Id);
        }

        _requestsUsed++;
        _tokensUsed += usage.TotalTokens;
        var limits = Event("rate_limits.updated");
        limits["rate_limits"] = new JsonArray(
            new JsonObject { ["name"] = "requests", ["limit"] = 1000, ["remaining"] = Math.Max(0, 1000 - _requestsUsed), ["reset_seconds"] = 60 },
            new JsonObject { ["name"] = "tokens", ["limit"] = 50_000, ["remaining"] = Math.Max(0, 50_000 - _tokensUsed), ["reset_seconds"] = 60 });
        Enqueue(limits);
        CountResponseForDrop();

        var producedMs = item?.ProducedAudioMs ?? 0;
        _records.AddResponse(
            new RealtimeResponseRecord(SessionId, response.Id, response.ItemId, response.ToolArguments ?? response.Text, producedMs, status, reason, response.ToolName),
            usage);
        if (item is not null && item.Type == "message")
        {
            _records.AddTranscript(new RealtimeTranscriptRecord(SessionId, item.Id, "assistant", item.Transcript));
        }

        RealtimeSimulatorLog.ResponseFinished(_logger, SessionId, response.Id, status, producedMs);
    }

    /// <summary>
    /// Plausible token counts: text ≈ 4 characters per token, input audio ≈ 10 tokens per second, output audio ≈ 20
    /// per second; the context grows turn by turn and what the previous turn already sent counts as cached.
    /// </summary>
    private RealtimeUsageTotals ComputeUsage(ActiveResponse response)
    {
        var inputText = TextTokens(_config.Instructions) + _contextTextTokens;
        var inputAudio = _contextAudioTokens;
        var input = inputText + inputAudio;
        var cached = Math.Min(_previousInputTokens, input) / 64 * 64;
        var spoken = response.ToolArguments ?? response.Text[..Math.Min(response.SpokenChars, response.Text.Length)];
        var outputText = TextTokens(spoken);
        var outputAudio = (long)((response.Item?.ProducedAudioMs ?? 0) / 50);
        _previousInputTokens = input;
        _contextTextTokens += outputText;
        _contextAudioTokens += outputAudio;
        return new RealtimeUsageTotals(input, outputText + outputAudio, inputText, inputAudio, cached, outputText, outputAudio);
    }

    private static JsonObject UsageObject(RealtimeUsageTotals usage) => new()
    {
        ["total_tokens"] = usage.TotalTokens,
        ["input_tokens"] = usage.InputTokens,
        ["output_tokens"] = usage.OutputTokens,
        ["input_token_details"] = new JsonObject
        {
            ["text_tokens"] = usage.InputTextTokens,
            ["audio_tokens"] = usage.InputAudioTokens,
            ["image_tokens"] = 0,
            ["cached_tokens"] = usage.CachedTokens,
            ["cached_tokens_details"] = new JsonObject { ["text_tokens"] = usage.CachedTokens, ["audio_tokens"] = 0, ["image_tokens"] = 0 },
        },
        ["output_token_details"] = new JsonObject { ["text_tokens"] = usage.OutputTextTokens, ["audio_tokens"] = usage.OutputAudioTokens },
    };

    private JsonObject ResponseObject(ActiveResponse response, string status, JsonObject? statusDetails, JsonArray output, JsonObject? usage) => new()
    {
        ["object"] = "realtime.response",
        ["id"] = response.Id,
        ["status"] = status,
        ["status_details"] = statusDetails,
        ["output"] = output,
        ["conversation_id"] = _conversationId,
        ["output_modalities"] = new JsonArray(response.TextOnly ? "text" : "audio"),
        ["max_output_tokens"] = _config.Session["max_output_tokens"]?.DeepClone() ?? "inf",
        ["audio"] = new JsonObject { ["output"] = new JsonObject { ["format"] = _config.OutputFormat, ["voice"] = _config.Voice?.DeepClone() ?? "alloy" } },
        ["usage"] = usage,
        ["metadata"] = response.Metadata?.DeepClone(),
    };

    private static JsonObject ResponseEvent(string type, ActiveResponse response, bool withContentIndex)
    {
        var evt = Event(type);
        evt["response_id"] = response.Id;
        evt["item_id"] = response.ItemId;
        evt["output_index"] = 0;
        if (withContentIndex)
        {
            evt["content_index"] = 0;
        }

        return evt;
    }

    private RealtimeProtocolError? CancelResponse(JsonObject evt)
    {
        var idNode = evt["response_id"];
        if (idNode is not null && !RealtimeSessionConfiguration.IsString(idNode))
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

        FinishResponse(_active, "cancelled", "client_cancelled");
        return null;
    }

    private RealtimeProtocolError? TruncateItem(JsonObject evt)
    {
        if (!TryItemId(evt, out var itemId, out var error))
        {
            return error;
        }

        foreach (var name in new[] { "content_index", "audio_end_ms" })
        {
            if (evt[name] is null)
            {
                return RealtimeProtocolError.Missing(name);
            }

            if (!RealtimeSessionConfiguration.TryInteger(evt[name], out _))
            {
                return RealtimeProtocolError.InvalidType(name, "an integer");
            }
        }

        RealtimeSessionConfiguration.TryInteger(evt["content_index"], out var contentIndex);
        RealtimeSessionConfiguration.TryInteger(evt["audio_end_ms"], out var audioEndMs);
        var item = FindItem(itemId!);
        var producedMs = item?.ProducedAudioMs ?? 0;
        error = item switch
        {
            null => RealtimeProtocolError.InvalidValue("item_id", $"Item with item_id not found: {itemId}"),
            { Role: not "assistant" } or { HasAudio: false } => RealtimeProtocolError.InvalidValue("item_id", "Only assistant message items with audio can be truncated."),
            _ when contentIndex != 0 => RealtimeProtocolError.InvalidValue("content_index", $"Invalid 'content_index': item {itemId} has no content part {contentIndex}."),
            _ when audioEndMs < 0 => RealtimeProtocolError.InvalidValue("audio_end_ms", "Invalid 'audio_end_ms': expected a non-negative integer."),
            _ when audioEndMs > producedMs => RealtimeProtocolError.InvalidValue(
                "audio_end_ms", $"Audio content of {Math.Floor(producedMs):0}ms is already shorter than {audioEndMs}ms"),
            _ => null,
        };
        _records.AddTruncation(new RealtimeTruncationRecord(SessionId, itemId!, (int)contentIndex, audioEndMs, producedMs, error is null));
        if (error is not null)
        {
            return error;
        }

        // Truncation deletes the transcript the caller did not hear (spec RealtimeClientEventConversationItemTruncate).
        var share = producedMs <= 0 ? 0 : audioEndMs / producedMs;
        var full = item!.Transcript;
        var heard = full[..(int)Math.Round(Math.Clamp(share, 0, 1) * full.Length)].TrimEnd();
        item.Transcript = heard;
        item.ProducedAudioMs = audioEndMs;
        item.Json["content"] = new JsonArray(new JsonObject { ["type"] = "output_audio", ["transcript"] = heard });
        var truncated = Event("conversation.item.truncated");
        truncated["item_id"] = itemId;
        truncated["content_index"] = contentIndex;
        truncated["audio_end_ms"] = audioEndMs;
        Enqueue(truncated);
        return null;
    }

    /// <summary>One response in flight (LiveKit's "speech handle" idea): its ids, text, progress and cancellation.</summary>
    private sealed class ActiveResponse(string id, string itemId, string text, bool textOnly, JsonNode? metadata, CancellationToken session) : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = CancellationTokenSource.CreateLinkedTokenSource(session);

        public string Id { get; } = id;

        public string ItemId { get; } = itemId;

        public string Text { get; } = text;

        public bool TextOnly { get; } = textOnly;

        public JsonNode? Metadata { get; } = metadata;

        public string? ToolName { get; set; }

        public string? ToolArguments { get; set; }

        public string? CallId { get; set; }

        public ConversationItem? Item { get; set; }

        public string? PreviousItemId { get; set; }

        public int SpokenChars { get; set; }

        public bool Finished { get; private set; }

        public CancellationToken Cancellation => _cancellation.Token;

        public void Stop()
        {
            Finished = true;
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Its run is over already: nothing left to cancel.
            }
        }

        public void Dispose() => _cancellation.Dispose();
    }
}
