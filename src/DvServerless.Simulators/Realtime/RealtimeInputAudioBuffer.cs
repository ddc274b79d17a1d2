using DvServerless.Core.Audio;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The input side of a session: the caller audio buffer on the session's input timeline, the server VAD that finds
/// turns in it (<c>speech_started</c>, <c>speech_stopped</c>, barge-in, auto-response), commits that turn the buffer into
/// a user item transcribed from the caller script, and clears. Callers hold the session's lock.
/// </summary>
internal sealed class RealtimeInputAudioBuffer
{
    // spec RealtimeClientEventInputAudioBufferAppend: at most 15 MiB per event.
    private const long MaxAppendBytes = 15L * 1024 * 1024;
    private const int MinCommitMs = 100;

    private readonly RealtimeSessionContext _session;
    private readonly RealtimeConversation _conversation;
    private readonly RealtimeUsageMeter _usage;
    private readonly RealtimeResponses _responses;
    private readonly List<(bool Started, long AtMs)> _vadEvents = [];
    private EnergyVoiceActivityDetector _vad;
    private long _inputSamples;
    private long _bufferStartMs;
    private int _carryByte = -1;
    private string? _speechItemId;

    public RealtimeInputAudioBuffer(
        RealtimeSessionContext session, RealtimeConversation conversation, RealtimeUsageMeter usage, RealtimeResponses responses)
    {
        _session = session;
        _conversation = conversation;
        _usage = usage;
        _responses = responses;
        InputRate = 24_000;
        _vad = new EnergyVoiceActivityDetector(InputRate);
    }

    /// <summary>The sample rate of the input format (24 kHz PCM or 8 kHz G.711).</summary>
    public int InputRate { get; private set; }

    /// <summary>True while the VAD hears the caller mid-utterance.</summary>
    public bool IsCallerSpeaking => _speechItemId is not null;

    /// <summary>How many audio turns were committed: the index of the next line of the caller script.</summary>
    public int AudioTurns { get; set; }

    private long TimelineMs => _inputSamples * 1000 / InputRate;

    /// <summary>Follows a change of the input format in the configuration.</summary>
    public void ApplyInputFormat()
    {
        var rate = _session.Config.InputFormatType == "audio/pcm" ? 24_000 : 8_000;
        if (rate != InputRate)
        {
            // Keep the timeline in milliseconds across a format change.
            _inputSamples = _inputSamples * rate / InputRate;
            InputRate = rate;
            _vad = new EnergyVoiceActivityDetector(rate);
        }
    }

    /// <summary><c>input_audio_buffer.append</c>.</summary>
    public RealtimeProtocolError? Append(JsonObject evt)
    {
        var audio = evt["audio"];
        if (audio is null)
        {
            return RealtimeProtocolError.Missing("audio");
        }

        if (!RealtimeJson.IsString(audio))
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

            AppendAudio(rented.AsSpan(0, length));
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Decodes the base64 UTF-8 <paramref name="base64"/> of an append into <paramref name="audio"/> (rented; the caller
    /// returns it); false when it is too large or not plain base64, for <see cref="Append"/> to answer with its error.
    /// </summary>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> base64, out byte[] audio, out int length)
    {
        audio = [];
        length = 0;
        if ((long)base64.Length / 4 * 3 > MaxAppendBytes)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(base64.Length)));
        if (Base64.DecodeFromUtf8(base64, rented, out var consumed, out var written) != OperationStatus.Done || consumed != base64.Length)
        {
            ArrayPool<byte>.Shared.Return(rented);
            return false;
        }

        audio = rented;
        length = written;
        return true;
    }

    /// <summary>Appends decoded audio bytes (in the input format) to the buffer.</summary>
    public void AppendAudio(ReadOnlySpan<byte> bytes)
    {
        var samples = ArrayPool<short>.Shared.Rent(Math.Max(1, bytes.Length + 1));
        try
        {
            ProcessSamples(samples.AsSpan(0, Decode(bytes, samples)));
        }
        finally
        {
            ArrayPool<short>.Shared.Return(samples);
        }
    }

    /// <summary>Feeds decoded caller samples (at <see cref="InputRate"/>) to the timeline and the VAD.</summary>
    public void ProcessSamples(ReadOnlySpan<short> samples)
    {
        _inputSamples += samples.Length;
        _vadEvents.Clear();
        var turn = _session.Config.TurnDetection;
        var threshold = RealtimeJson.TryNumber(turn?["threshold"], out var t) ? t : _session.Options.VadThreshold;
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

    /// <summary><c>input_audio_buffer.commit</c>.</summary>
    public RealtimeProtocolError? Commit()
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

    /// <summary><c>input_audio_buffer.clear</c>.</summary>
    public RealtimeProtocolError? Clear()
    {
        _bufferStartMs = TimelineMs;
        _speechItemId = null;
        _vad.ResetSegment();
        _session.Events.Send(RealtimeServerEventQueue.NewEvent("input_audio_buffer.cleared"));
        return null;
    }

    private int SilenceDurationMs(JsonObject? turn)
    {
        if (RealtimeJson.TryInteger(turn?["silence_duration_ms"], out var ms))
        {
            return (int)ms;
        }

        // semantic_vad waits longer the lower its eagerness; the energy VAD stands in with a silence length.
        return (string?)turn?["eagerness"] switch
        {
            "low" => 1_000,
            "high" => 300,
            _ => _session.Options.VadSilenceDurationMs,
        };
    }

    /// <summary>Decodes <paramref name="bytes"/> into <paramref name="samples"/> (room for one per byte); returns the count.</summary>
    private int Decode(ReadOnlySpan<byte> bytes, Span<short> samples)
    {
        var format = _session.Config.InputFormatType;
        if (format is "audio/pcmu" or "audio/pcma")
        {
            var mu = format == "audio/pcmu";
            for (var i = 0; i < bytes.Length; i++)
            {
                samples[i] = mu ? G711.DecodeMulaw(bytes[i]) : G711.DecodeAlaw(bytes[i]);
            }

            return bytes.Length;
        }

        // Appends need not be sample-aligned: an odd byte waits for the next append.
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

        return index;
    }

    private void OnSpeechStarted(JsonObject turn, long onsetMs)
    {
        var padding = RealtimeJson.TryInteger(turn["prefix_padding_ms"], out var p) ? p : _session.Options.VadPrefixPaddingMs;
        var startMs = Math.Max(_bufferStartMs, onsetMs - padding);
        _bufferStartMs = startMs;
        _speechItemId = RealtimeIds.New("item");
        var started = RealtimeServerEventQueue.NewEvent("input_audio_buffer.speech_started");
        started["audio_start_ms"] = startMs;
        started["item_id"] = _speechItemId;
        _session.Events.Send(started);
        if ((bool?)turn["interrupt_response"] != false)
        {
            _responses.Interrupt();
        }
    }

    private void OnSpeechStopped(JsonObject turn, long endMs)
    {
        var itemId = _speechItemId ?? RealtimeIds.New("item");
        _speechItemId = null;
        var stopped = RealtimeServerEventQueue.NewEvent("input_audio_buffer.speech_stopped");
        stopped["audio_end_ms"] = endMs;
        stopped["item_id"] = itemId;
        _session.Events.Send(stopped);
        CommitBuffer(itemId, endMs);
        if ((bool?)turn["create_response"] != false && !_session.Config.IsTranscriptionSession)
        {
            _responses.ReplyToCallerIfIdle();
        }
    }

    /// <summary>Turns the buffer up to <paramref name="endMs"/> into a user audio item and transcribes it from the script.</summary>
    private void CommitBuffer(string itemId, long endMs)
    {
        var durationMs = Math.Max(0, endMs - _bufferStartMs);
        _bufferStartMs = Math.Max(_bufferStartMs, endMs);
        var previous = _conversation.LastItemId;
        var committed = RealtimeServerEventQueue.NewEvent("input_audio_buffer.committed");
        committed["previous_item_id"] = previous;
        committed["item_id"] = itemId;
        _session.Events.Send(committed);

        var audioTurn = AudioTurns++;
        var script = _session.Options.CallerTranscripts;
        var transcript = audioTurn < script.Count ? script[audioTurn] : string.Empty;
        var item = new JsonObject
        {
            ["id"] = itemId,
            ["object"] = "realtime.item",
            ["type"] = "message",
            ["status"] = "completed",
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }),
        };
        _conversation.Add(new RealtimeConversationItem(itemId, "message", "user", item) { Transcript = transcript }, previous);
        _usage.AddContextAudio(durationMs);
        _conversation.AddCallerTurn(itemId, transcript);
        if (_session.Config.TranscriptionEnabled)
        {
            SendTranscription(itemId, transcript, durationMs);
        }
    }

    private void SendTranscription(string itemId, string transcript, long durationMs)
    {
        var audioTokens = Math.Max(1, durationMs / 100);
        var textTokens = RealtimeUsageMeter.TextTokens(transcript);
        // Spec …InputAudioTranscriptionDelta: whisper-1 sends the whole transcript as one delta; the simulator does the same.
        var delta = RealtimeServerEventQueue.NewEvent("conversation.item.input_audio_transcription.delta");
        delta["item_id"] = itemId;
        delta["content_index"] = 0;
        delta["delta"] = transcript;
        _session.Events.Send(delta);
        var completed = RealtimeServerEventQueue.NewEvent("conversation.item.input_audio_transcription.completed");
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
        _session.Events.Send(completed);
    }
}
