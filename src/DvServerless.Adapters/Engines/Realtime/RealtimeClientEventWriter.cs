using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// Writes GA Realtime client events (PROTOCOL §1.3–1.4) into a reused buffer. Each method resets the buffer and
/// leaves exactly one JSON frame in it, so the engine can keep one buffer and one <see cref="Utf8JsonWriter"/> per
/// session and build frames without allocating.
/// </summary>
internal sealed class RealtimeClientEventWriter : IDisposable
{
    private static ReadOnlySpan<byte> AppendPrefix => "{\"type\":\"input_audio_buffer.append\",\"audio\":\""u8;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    public RealtimeClientEventWriter() => _json = new Utf8JsonWriter(_buffer);

    /// <summary>The frame written last.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    /// <summary><c>input_audio_buffer.append</c>: base64 is encoded straight into the frame buffer.</summary>
    public void WriteInputAudioAppend(ReadOnlySpan<byte> pcm)
    {
        _buffer.ResetWrittenCount();
        var base64Length = Base64.GetMaxEncodedToUtf8Length(pcm.Length);
        var span = _buffer.GetSpan(AppendPrefix.Length + base64Length + 2);
        AppendPrefix.CopyTo(span);
        Base64.EncodeToUtf8(pcm, span[AppendPrefix.Length..], out _, out var written);
        var end = AppendPrefix.Length + written;
        span[end] = (byte)'"';
        span[end + 1] = (byte)'}';
        _buffer.Advance(end + 2);
    }

    /// <summary><c>session.update</c> with the GA <c>type:"realtime"</c> shape and nested <c>audio</c> settings.</summary>
    public void WriteSessionUpdate(string eventId, AgentOptions agent, int? maxOutputTokens)
    {
        var w = Begin();
        w.WriteString("type", "session.update");
        w.WriteString("event_id", eventId);
        w.WriteStartObject("session");
        w.WriteString("type", "realtime");
        var voice = agent.EffectiveVoiceOptions();
        w.WriteString("instructions", AgentDelivery.Instructions(agent.Instructions, voice));
        w.WriteStartArray("output_modalities");
        w.WriteStringValue("audio");
        w.WriteEndArray();

        w.WriteStartObject("audio");
        w.WriteStartObject("input");
        WritePcmFormat(w);
        if (string.IsNullOrWhiteSpace(agent.TranscriptionModel))
        {
            w.WriteNull("transcription");
        }
        else
        {
            w.WriteStartObject("transcription");
            w.WriteString("model", agent.TranscriptionModel);
            w.WriteEndObject();
        }

        WriteTurnDetection(w, agent);
        w.WriteEndObject(); // input
        w.WriteStartObject("output");
        WritePcmFormat(w);
        w.WriteString("voice", agent.Voice);
        if (voice is not null)
        {
            w.WriteNumber("speed", AgentDelivery.RealtimeSpeed(voice));
        }

        w.WriteEndObject(); // output
        w.WriteEndObject(); // audio

        if (maxOutputTokens is { } max)
        {
            w.WriteNumber("max_output_tokens", max);
        }

        WriteTools(w, agent.Tools);
        w.WriteEndObject(); // session
        End();
    }

    /// <summary>
    /// A <c>session.update</c> that changes only the tools (<c>session.update</c> changes the fields present, and
    /// <c>tools</c> replaces the whole list): how a SIP sideband declares the tools the worker runs after the accept.
    /// </summary>
    public void WriteSessionToolsUpdate(string eventId, IReadOnlyList<AgentTool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var w = Begin();
        w.WriteString("type", "session.update");
        w.WriteString("event_id", eventId);
        w.WriteStartObject("session");
        w.WriteString("type", "realtime");
        WriteTools(w, tools);
        w.WriteEndObject(); // session
        End();
    }

    /// <summary>The session's function tools (<c>{type: function, name, description, parameters}</c>) and <c>tool_choice: auto</c>.</summary>
    private static void WriteTools(Utf8JsonWriter w, IReadOnlyList<AgentTool> tools)
    {
        if (tools.Count == 0)
        {
            return;
        }

        w.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteString("name", tool.Name);
            w.WriteString("description", tool.Description);
            w.WritePropertyName("parameters");
            w.WriteRawValue(tool.ParametersJsonSchema, skipInputValidation: false);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("tool_choice", "auto");
    }

    /// <summary><c>response.create</c>, with one-off instructions when given.</summary>
    public void WriteResponseCreate(string? instructions)
    {
        var w = Begin();
        w.WriteString("type", "response.create");
        if (!string.IsNullOrEmpty(instructions))
        {
            w.WriteStartObject("response");
            w.WriteString("instructions", instructions);
            w.WriteEndObject();
        }

        End();
    }

    /// <summary><c>response.cancel</c> (the response in progress).</summary>
    public void WriteResponseCancel()
    {
        var w = Begin();
        w.WriteString("type", "response.cancel");
        End();
    }

    /// <summary><c>conversation.item.truncate</c> with an integer <c>audio_end_ms</c>.</summary>
    public void WriteItemTruncate(string itemId, int contentIndex, int audioEndMs)
    {
        var w = Begin();
        w.WriteString("type", "conversation.item.truncate");
        w.WriteString("item_id", itemId);
        w.WriteNumber("content_index", contentIndex);
        w.WriteNumber("audio_end_ms", audioEndMs);
        End();
    }

    /// <summary><c>conversation.item.create</c> holding a user <c>message</c> with one <c>input_text</c> part (PROTOCOL.md §1.4).</summary>
    public void WriteUserTextItem(string text) => WriteTextItem("user", text);

    /// <summary>
    /// <c>conversation.item.create</c> holding a system <c>message</c> with one <c>input_text</c> part (the GA schema's
    /// <c>RealtimeConversationItemMessageSystem</c>): context for the model, added at any point of the conversation.
    /// </summary>
    public void WriteSystemTextItem(string text) => WriteTextItem("system", text);

    private void WriteTextItem(string role, string text)
    {
        var w = Begin();
        w.WriteString("type", "conversation.item.create");
        w.WriteStartObject("item");
        w.WriteString("type", "message");
        w.WriteString("role", role);
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "input_text");
        w.WriteString("text", text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        End();
    }

    /// <summary><c>conversation.item.create</c> holding a <c>function_call_output</c> item.</summary>
    public void WriteFunctionCallOutput(string callId, string output)
    {
        var w = Begin();
        w.WriteString("type", "conversation.item.create");
        w.WriteStartObject("item");
        w.WriteString("type", "function_call_output");
        w.WriteString("call_id", callId);
        w.WriteString("output", output);
        w.WriteEndObject();
        End();
    }

    private static void WritePcmFormat(Utf8JsonWriter w)
    {
        // audio/pcm is 24 kHz only (PROTOCOL §7); any other rate is rejected by the service.
        w.WriteStartObject("format");
        w.WriteString("type", "audio/pcm");
        w.WriteNumber("rate", 24_000);
        w.WriteEndObject();
    }

    private static void WriteTurnDetection(Utf8JsonWriter w, AgentOptions agent)
    {
        switch (agent.TurnDetection.Trim().ToLowerInvariant())
        {
            case "semantic_vad":
                w.WriteStartObject("turn_detection");
                w.WriteString("type", "semantic_vad");
                w.WriteBoolean("create_response", true);
                w.WriteBoolean("interrupt_response", true);
                w.WriteEndObject();
                break;
            case "none" or "off" or "":
                w.WriteNull("turn_detection");
                break;
            default:
                w.WriteStartObject("turn_detection");
                w.WriteString("type", "server_vad");
                w.WriteNumber("threshold", agent.VadThreshold);
                w.WriteNumber("prefix_padding_ms", agent.VadPrefixPaddingMs);
                w.WriteNumber("silence_duration_ms", agent.VadSilenceDurationMs);
                w.WriteBoolean("create_response", true);
                w.WriteBoolean("interrupt_response", true);
                w.WriteEndObject();
                break;
        }
    }

    /// <summary>Releases the JSON writer's state (it owns no unmanaged resources; <see cref="Begin"/> would revive it).</summary>
    public void Dispose() => _json.Dispose();

    private Utf8JsonWriter Begin()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        return _json;
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
    }
}
