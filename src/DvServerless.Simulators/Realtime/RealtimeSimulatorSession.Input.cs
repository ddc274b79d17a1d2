using DvServerless.Core.Audio;
using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>The input side: the audio buffer on the session's input timeline, the VAD, commits and conversation items.</summary>
internal sealed partial class RealtimeSimulatorSession
{
    // spec RealtimeClientEventInputAudioBufferAppend: at most 15 MiB per event.
    private const long MaxAppendBytes = 15L * 1024 * 1024;
    private const int MinCommitMs = 100;

    private readonly List<ConversationItem> _items = [];
    private readonly List<(bool Started, long AtMs)> _vadEvents = [];
    private EnergyVoiceActivityDetector _vad;
    private int _inputRate;
    private long _inputSamples;
    private long _bufferStartMs;
    private int _carryByte = -1;
    private string? _speechItemId;
    private int _audioTurns;
    private int _callerTurns;
    private int _lastCallerTurn = -1;
    private string _lastCallerText = string.Empty;

    private long TimelineMs => _inputSamples * 1000 / _inputRate;

    private void ApplyInputFormat()
    {
        var rate = _config.InputFormatType == "audio/pcm" ? 24_000 : 8_000;
        if (rate != _inputRate)
        {
            // Keep the timeline in milliseconds across a format change.
            _inputSamples = _inputSamples * rate / _inputRate;
            _inputRate = rate;
            _vad = new EnergyVoiceActivityDetector(rate);
        }
    }

    private RealtimeProtocolError? AppendInputAudio(JsonObject evt)
    {
        var audio = evt["audio"];
        if (audio is null)
        {
            return RealtimeProtocolError.Missing("audio");
        }

        if (!RealtimeSessionConfiguration.IsString(audio))
        {
            return RealtimeProtocolError.InvalidType("audio", "a base64 string");
        }

        var text = (string)audio!;
        if ((long)text.Length / 4 * 3 > MaxAppendBytes)
        {
            return RealtimeProtocolError.InvalidValue("audio", "Audio chunk too large: at most 15 MiB of audio may be appended per event.");
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, text.Length / 4 * 3 + 3));
        try
        {
            if (!Convert.TryFromBase64String(text, rented, out var length))
            {
                return RealtimeProtocolError.InvalidValue("audio", "Invalid 'audio': expected base64-encoded audio.");
            }

            ProcessInputSamples(Decode(rented.AsSpan(0, length)));
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Feeds decoded caller samples (at the session's input rate) to the timeline and the VAD. Under the state lock.</summary>
    private void ProcessInputSamples(short[] samples)
    {
        _inputSamples += samples.Length;
        _vadEvents.Clear();
        var turn = _config.TurnDetection;
        var threshold = RealtimeSessionConfiguration.TryNumber(turn?["threshold"], out var t) ? t : _options.VadThreshold;
        _vad.Process(samples, EnergyVoiceActivityDetector.ThresholdDbfs(threshold), SilenceDurationMs(turn), _vadEvents);
        if (turn is null)
        {
            // No turn detection: the client commits; the detector only keeps counting frames.
            _vad.ResetSegment();
            return;
        }

        foreach (var (started, atMs) in _vadEvents)
        {
            if (started)
            {
                OnSpeechStarted(turn, atMs);
            }
            else
            {
                OnSpeechStopped(turn, atMs);
            }
        }
    }

    private int SilenceDurationMs(JsonObject? turn)
    {
        if (RealtimeSessionConfiguration.TryInteger(turn?["silence_duration_ms"], out var ms))
        {
            return (int)ms;
        }

        // semantic_vad waits longer the lower its eagerness; the energy VAD stands in with a silence length.
        return (string?)turn?["eagerness"] switch
        {
            "low" => 1_000,
            "high" => 300,
            _ => _options.VadSilenceDurationMs,
        };
    }

    private short[] Decode(ReadOnlySpan<byte> bytes)
    {
        switch (_config.InputFormatType)
        {
            case "audio/pcmu":
            case "audio/pcma":
            {
                var mu = _config.InputFormatType == "audio/pcmu";
                var decoded = new short[bytes.Length];
                for (var i = 0; i < bytes.Length; i++)
                {
                    decoded[i] = mu ? G711.DecodeMulaw(bytes[i]) : G711.DecodeAlaw(bytes[i]);
                }

                return decoded;
            }

            default:
            {
                // Appends need not be sample-aligned: an odd byte waits for the next append.
                var total = bytes.Length + (_carryByte >= 0 ? 1 : 0);
                var samples = new short[total / 2];
                var index = 0;
                var offset = 0;
                if (_carryByte >= 0 && bytes.Length > 0)
                {
                    samples[index++] = (short)(_carryByte | (bytes[0] << 8));
                    offset = 1;
                    _carryByte = -1;
                }

                for (; offset + 1 < bytes.Length; offset += 2)
                {
                    samples[index++] = BinaryPrimitives.ReadInt16LittleEndian(bytes[offset..]);
                }

                if (offset < bytes.Length)
                {
                    _carryByte = bytes[offset];
                }

                return samples;
            }
        }
    }

    private void OnSpeechStarted(JsonObject turn, long onsetMs)
    {
        var padding = RealtimeSessionConfiguration.TryInteger(turn["prefix_padding_ms"], out var p) ? p : _options.VadPrefixPaddingMs;
        var startMs = Math.Max(_bufferStartMs, onsetMs - padding);
        _bufferStartMs = startMs;
        _speechItemId = RealtimeIds.New("item");
        var started = Event("input_audio_buffer.speech_started");
        started["audio_start_ms"] = startMs;
        started["item_id"] = _speechItemId;
        Enqueue(started);
        if (_active is not null && (bool?)turn["interrupt_response"] != false)
        {
            FinishResponse(_active, "cancelled", "turn_detected");
        }
        else if (IsPlayingOut && (bool?)turn["interrupt_response"] != false)
        {
            // Generated already but still playing into the call: the caller cuts it off there.
            ClearPlayback(null);
        }
    }

    private void OnSpeechStopped(JsonObject turn, long endMs)
    {
        var itemId = _speechItemId ?? RealtimeIds.New("item");
        _speechItemId = null;
        var stopped = Event("input_audio_buffer.speech_stopped");
        stopped["audio_end_ms"] = endMs;
        stopped["item_id"] = itemId;
        Enqueue(stopped);
        CommitBuffer(itemId, endMs);
        if ((bool?)turn["create_response"] != false && !_config.IsTranscriptionSession)
        {
            if (_active is null)
            {
                StartResponse(ReplyToCaller(), null, null);
            }
        }
    }

    private RealtimeProtocolError? CommitInputAudio()
    {
        var bufferedMs = TimelineMs - _bufferStartMs;
        if (bufferedMs < MinCommitMs)
        {
            return new RealtimeProtocolError(
                "input_audio_buffer_commit_empty",
                $"Error committing input audio buffer: buffer too small. Expected at least {MinCommitMs}ms of audio, but buffer only has {bufferedMs:0.00}ms of audio.");
        }

        var itemId = _speechItemId ?? RealtimeIds.New("item");
        _speechItemId = null;
        _vad.ResetSegment();
        // A client commit never starts a response by itself; the client sends response.create.
        CommitBuffer(itemId, TimelineMs);
        return null;
    }

    private RealtimeProtocolError? ClearInputAudio()
    {
        _bufferStartMs = TimelineMs;
        _speechItemId = null;
        _vad.ResetSegment();
        Enqueue(Event("input_audio_buffer.cleared"));
        return null;
    }

    /// <summary>Turns the buffer up to <paramref name="endMs"/> into a user audio item and transcribes it from the script.</summary>
    private void CommitBuffer(string itemId, long endMs)
    {
        var durationMs = Math.Max(0, endMs - _bufferStartMs);
        _bufferStartMs = Math.Max(_bufferStartMs, endMs);
        var previous = _items.Count > 0 ? _items[^1].Id : null;
        var committed = Event("input_audio_buffer.committed");
        committed["previous_item_id"] = previous;
        committed["item_id"] = itemId;
        Enqueue(committed);

        var audioTurn = _audioTurns++;
        var transcript = audioTurn < _options.CallerTranscripts.Count ? _options.CallerTranscripts[audioTurn] : string.Empty;
        var item = new JsonObject
        {
            ["id"] = itemId,
            ["object"] = "realtime.item",
            ["type"] = "message",
            ["status"] = "completed",
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }),
        };
        AddItem(new ConversationItem(itemId, "message", "user", item) { Transcript = transcript }, previous);
        _lastCallerTurn = _callerTurns++;
        _lastCallerText = transcript;
        _contextAudioTokens += durationMs / 100;
        _records.AddTranscript(new RealtimeTranscriptRecord(SessionId, itemId, "user", transcript));

        if (_config.TranscriptionEnabled)
        {
            var audioTokens = Math.Max(1, durationMs / 100);
            var textTokens = TextTokens(transcript);
            // Spec …InputAudioTranscriptionDelta: whisper-1 sends the whole transcript as one delta; the simulator does the same.
            var delta = Event("conversation.item.input_audio_transcription.delta");
            delta["item_id"] = itemId;
            delta["content_index"] = 0;
            delta["delta"] = transcript;
            Enqueue(delta);
            var completed = Event("conversation.item.input_audio_transcription.completed");
            completed["item_id"] = itemId;
            completed["content_index"] = 0;
            completed["transcript"] = transcript;
            completed["usage"] = new JsonObject
            {
                ["type"] = "tokens",
                ["total_tokens"] = audioTokens + textTokens,
                ["input_tokens"] = audioTokens,
                ["input_token_details"] = new JsonObject { ["text_tokens"] = 0, ["audio_tokens"] = audioTokens },
                ["output_tokens"] = textTokens,
            };
            Enqueue(completed);
        }
    }

    /// <summary>Adds an item and sends <c>conversation.item.added</c> and <c>.done</c> (GA item lifecycle).</summary>
    private void AddItem(ConversationItem item, string? previousItemId)
    {
        _items.Add(item);
        foreach (var type in new[] { "conversation.item.added", "conversation.item.done" })
        {
            var evt = Event(type);
            evt["previous_item_id"] = previousItemId;
            evt["item"] = item.Json.DeepClone();
            Enqueue(evt);
        }
    }

    private ConversationItem? FindItem(string id) => _items.Find(i => i.Id == id);

    private RealtimeProtocolError? CreateItem(JsonObject evt)
    {
        if (evt["item"] is not { } node)
        {
            return RealtimeProtocolError.Missing("item");
        }

        if (node is not JsonObject source)
        {
            return RealtimeProtocolError.InvalidType("item", "an object");
        }

        var type = (string?)(RealtimeSessionConfiguration.IsString(source["type"]) ? source["type"] : null);
        string? role = null;
        switch (type)
        {
            case "message":
                role = RealtimeSessionConfiguration.IsString(source["role"]) ? (string)source["role"]! : null;
                if (role is not ("user" or "system" or "assistant"))
                {
                    return RealtimeProtocolError.InvalidValue("item.role", "Invalid 'item.role': expected 'user', 'system' or 'assistant'.");
                }

                if (source["content"] is not JsonArray content)
                {
                    return RealtimeProtocolError.Missing("item.content");
                }

                if (role == "assistant" && content.Any(c => (string?)c?["type"] is "output_audio" or "audio"))
                {
                    return RealtimeProtocolError.InvalidValue("item.content", "Assistant messages cannot be created with audio content.");
                }

                break;
            case "function_call_output":
                if (!RealtimeSessionConfiguration.IsString(source["call_id"]))
                {
                    return RealtimeProtocolError.Missing("item.call_id");
                }

                if (!RealtimeSessionConfiguration.IsString(source["output"]))
                {
                    return RealtimeProtocolError.Missing("item.output");
                }

                break;
            case "function_call":
                if (!RealtimeSessionConfiguration.IsString(source["name"]))
                {
                    return RealtimeProtocolError.Missing("item.name");
                }

                if (!RealtimeSessionConfiguration.IsString(source["arguments"]))
                {
                    return RealtimeProtocolError.Missing("item.arguments");
                }

                break;
            case null:
                return RealtimeProtocolError.Missing("item.type");
            default:
                return RealtimeProtocolError.InvalidValue("item.type", $"Invalid value: '{type}'. This simulator supports 'message', 'function_call' and 'function_call_output'.");
        }

        var id = RealtimeSessionConfiguration.IsString(source["id"]) ? (string)source["id"]! : RealtimeIds.New("item");
        if (FindItem(id) is not null)
        {
            return RealtimeProtocolError.InvalidValue("item.id", $"Item with id '{id}' already exists.");
        }

        var previous = _items.Count > 0 ? _items[^1].Id : null;
        if (evt["previous_item_id"] is { } previousNode)
        {
            var requested = RealtimeSessionConfiguration.IsString(previousNode) ? (string)previousNode! : null;
            if (requested is null || (requested != "root" && FindItem(requested) is null))
            {
                return RealtimeProtocolError.InvalidValue("previous_item_id", $"Previous item with id '{requested}' not found.");
            }
        }

        var item = (JsonObject)source.DeepClone();
        item["id"] = id;
        item["object"] = "realtime.item";
        item["status"] ??= "completed";
        var text = type == "message"
            ? string.Join(" ", ((JsonArray)item["content"]!).Select(c => (string?)c?["text"] ?? (string?)c?["transcript"]).Where(t => t is not null))
            : type == "function_call_output" ? (string)item["output"]! : (string)item["arguments"]!;
        AddItem(new ConversationItem(id, type, role, item) { Transcript = text }, previous);
        _contextTextTokens += TextTokens(text);
        if (role == "user")
        {
            _lastCallerTurn = _callerTurns++;
            _lastCallerText = text;

            // A user message the client created (typed text, keypad keys) is a conversation line like a spoken one.
            _records.AddTranscript(new RealtimeTranscriptRecord(SessionId, id, "user", text));
        }

        return null;
    }

    private RealtimeProtocolError? RetrieveItem(JsonObject evt)
    {
        if (!TryItemId(evt, out var itemId, out var error))
        {
            return error;
        }

        var item = FindItem(itemId!);
        if (item is null)
        {
            return RealtimeProtocolError.InvalidValue("item_id", $"Item with item_id not found: {itemId}");
        }

        var retrieved = Event("conversation.item.retrieved");
        retrieved["item"] = item.Json.DeepClone();
        Enqueue(retrieved);
        return null;
    }

    private RealtimeProtocolError? DeleteItem(JsonObject evt)
    {
        if (!TryItemId(evt, out var itemId, out var error))
        {
            return error;
        }

        var item = FindItem(itemId!);
        if (item is null)
        {
            return RealtimeProtocolError.InvalidValue("item_id", $"Item with item_id not found: {itemId}");
        }

        _items.Remove(item);
        var deleted = Event("conversation.item.deleted");
        deleted["item_id"] = itemId;
        Enqueue(deleted);
        return null;
    }

    private static bool TryItemId(JsonObject evt, out string? itemId, out RealtimeProtocolError? error)
    {
        itemId = null;
        error = null;
        var node = evt["item_id"];
        if (node is null)
        {
            error = RealtimeProtocolError.Missing("item_id");
            return false;
        }

        if (!RealtimeSessionConfiguration.IsString(node))
        {
            error = RealtimeProtocolError.InvalidType("item_id", "a string");
            return false;
        }

        itemId = (string)node!;
        return true;
    }

    private static long TextTokens(string text) => (text.Length + 3) / 4;

    /// <summary>One conversation item; assistant audio items also track how much audio was produced for them.</summary>
    private sealed class ConversationItem(string id, string type, string? role, JsonObject json)
    {
        public string Id { get; } = id;

        public string Type { get; } = type;

        public string? Role { get; } = role;

        public JsonObject Json { get; } = json;

        public string Transcript { get; set; } = string.Empty;

        public double ProducedAudioMs { get; set; }

        public bool HasAudio { get; set; }
    }
}
