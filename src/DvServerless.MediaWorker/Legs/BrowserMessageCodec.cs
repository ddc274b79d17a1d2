using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DvServerless.MediaWorker.Legs;

/// <summary>
/// The browser media socket's text protocol: parses the page's JSON commands and writes the events sent to the page
/// (one JSON object per text frame, each with <c>type</c> and <c>sessionId</c>).
/// </summary>
/// <remarks>
/// Audio never travels as text: both directions carry PCM16LE mono 24 kHz in binary frames. A command that is not a
/// JSON object, has an unknown <c>type</c> or lacks a required field is refused with a reason (the leg closes the
/// socket with 1007 and logs it).
/// </remarks>
public static class BrowserMessageCodec
{
    /// <summary>The longest typed user message, in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 4 * 1024;

    /// <summary>The largest text frame the page may send (a text command with its JSON envelope and escapes).</summary>
    public const int MaxFrameBytes = 16 * 1024;

    /// <summary>Parses one text frame; false with a reason for anything but a well-formed command.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out BrowserClientMessage message, out string? error)
    {
        message = default;
        error = null;
        string? type = null;
        bool? enabled = null;
        string? text = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "a command must be a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("enabled"u8))
                {
                    reader.Read();
                    enabled = reader.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False => false,
                        _ => null,
                    };
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip(); // Unknown fields are ignored, so the page may add its own.
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "a command must be exactly one JSON object";
                return false;
            }
        }
        catch (JsonException)
        {
            error = "a command must be valid JSON";
            return false;
        }
        catch (InvalidOperationException)
        {
            // A name or string with no Unicode form (a lone surrogate escape such as "\uD800") throws this, not
            // JsonException. It escaped the socket's receive loop, which ended without the 1007 close and its reason
            // (found by BrowserMessageCodecFuzzTests).
            error = "a command's names and strings must be valid Unicode";
            return false;
        }

        switch (type)
        {
            case "interrupt":
                message = new BrowserClientMessage(BrowserClientMessageKind.Interrupt);
                return true;
            case "stop":
                message = new BrowserClientMessage(BrowserClientMessageKind.Stop);
                return true;
            case "audio" when enabled is { } on:
                message = new BrowserClientMessage(BrowserClientMessageKind.Audio, Enabled: on);
                return true;
            case "audio":
                error = "an audio command needs a boolean 'enabled'";
                return false;
            case "text" when string.IsNullOrWhiteSpace(text):
                error = "a text command needs a non-empty string 'text'";
                return false;
            case "text" when Encoding.UTF8.GetByteCount(text!) > MaxTextBytes:
                error = $"a text command's 'text' is at most {MaxTextBytes} bytes";
                return false;
            case "text":
                message = new BrowserClientMessage(BrowserClientMessageKind.Text, Text: text);
                return true;
            case null:
                error = "a command needs a string 'type'";
                return false;
            default:
                error = "unknown command type";
                return false;
        }
    }

    /// <summary><c>SESSION_CREATED {sessionId}</c>, the first frame of every session.</summary>
    public static void WriteSessionCreated(IBufferWriter<byte> output, string sessionId)
    {
        using var w = Begin(output, "SESSION_CREATED", sessionId);
        w.WriteEndObject();
    }

    /// <summary><c>USER_MESSAGE</c> or <c>ROBOT_MESSAGE {content, segmentId, final}</c>: a transcript, partial or final.</summary>
    public static void WriteMessage(IBufferWriter<byte> output, string sessionId, bool fromUser, string content, string segmentId, bool final)
    {
        using var w = Begin(output, fromUser ? "USER_MESSAGE" : "ROBOT_MESSAGE", sessionId);
        w.WriteString("content", content);
        w.WriteString("segmentId", segmentId);
        w.WriteBoolean("final", final);
        w.WriteEndObject();
    }

    /// <summary><c>INTERRUPT {itemId, audioEndMs}</c>: the agent was cut off; the page drops what it has not played.</summary>
    public static void WriteInterrupt(IBufferWriter<byte> output, string sessionId, string itemId, int audioEndMs)
    {
        using var w = Begin(output, "INTERRUPT", sessionId);
        w.WriteString("itemId", itemId);
        w.WriteNumber("audioEndMs", audioEndMs);
        w.WriteEndObject();
    }

    /// <summary><c>SESSION_ENDED {reason}</c>, the last frame before a normal close.</summary>
    public static void WriteSessionEnded(IBufferWriter<byte> output, string sessionId, string reason)
    {
        using var w = Begin(output, "SESSION_ENDED", sessionId);
        w.WriteString("reason", reason);
        w.WriteEndObject();
    }

    /// <summary><c>ERROR {code, message}</c>.</summary>
    public static void WriteError(IBufferWriter<byte> output, string sessionId, string code, string message)
    {
        using var w = Begin(output, "ERROR", sessionId);
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
    }

    /// <summary><c>FLOW_DEBUG {event, …}</c>: one engine event for the page's event log (only with <c>?debug=1</c>).</summary>
    public static void WriteFlowDebug(IBufferWriter<byte> output, string sessionId, string eventName, string? itemId, string? detail)
    {
        using var w = Begin(output, "FLOW_DEBUG", sessionId);
        w.WriteString("event", eventName);
        if (itemId is not null)
        {
            w.WriteString("itemId", itemId);
        }

        if (detail is not null)
        {
            w.WriteString("detail", detail);
        }

        w.WriteEndObject();
    }

    private static Utf8JsonWriter Begin(IBufferWriter<byte> output, string type, string sessionId)
    {
        var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("sessionId", sessionId);
        return w;
    }
}
