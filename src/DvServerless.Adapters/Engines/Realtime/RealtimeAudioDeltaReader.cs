using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;
using DvServerless.Core.Engines;
using DvServerless.Core.Text;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// The allocation-free reader of the most frequent server frame, <c>response.output_audio.delta</c> (PROTOCOL §1.5):
/// one <see cref="Utf8JsonReader"/> pass over the top-level fields, the base64 <c>delta</c> decoded straight into a
/// pooled <see cref="AgentAudioDelta"/>, and <c>response_id</c> / <c>item_id</c> reused from the previous delta when
/// their bytes repeat. Base64 written with JSON escapes (<c>\u002B</c> for <c>+</c>, as .NET's default encoder writes it,
/// or <c>\/</c>) is unescaped into a pooled scratch buffer first. Every other frame (and an audio delta in a shape it
/// does not take, e.g. escaped ids) is left to <see cref="RealtimeServerEventParser"/>, which maps it the same way. One
/// per connection; not thread-safe.
/// </summary>
internal sealed class RealtimeAudioDeltaReader
{
    private static ReadOnlySpan<byte> AudioDeltaType => "response.output_audio.delta"u8;

    private readonly Utf8StringCache _responseIds = new();
    private readonly Utf8StringCache _itemIds = new();

    /// <summary>
    /// Reads <paramref name="json"/> as an audio delta. True with a pooled <paramref name="delta"/> (the receiver
    /// releases it) when it is one; false when the frame is anything else or is not JSON, for the general parser.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> json, out AgentAudioDelta? delta)
    {
        delta = null;
        try
        {
            return TryReadCore(json, out delta);
        }
        catch (JsonException)
        {
            // Not JSON: the general parser reports it.
            return false;
        }
        catch (InvalidOperationException)
        {
            // Unescaping a delta with no Unicode form (a lone surrogate escape such as "\uD800", or invalid UTF-8 beside
            // an escape) throws this, not JsonException. Left to escape, it ended the engine's receive loop and with it
            // the call (found by RealtimeAudioDeltaReaderFuzzTests); the general parser refuses the frame instead.
            return false;
        }
    }

    private bool TryReadCore(ReadOnlySpan<byte> json, out AgentAudioDelta? delta)
    {
        delta = null;
        var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var isAudioDelta = false;
        // Where each string's bytes lie in the frame (an unescaped string's bytes are the frame's own).
        Range responseId = default;
        Range itemId = default;
        Range base64 = default;
        var contentIndex = 0;
        byte[]? unescaped = null; // the delta, when it was written with escapes
        var unescapedLength = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Escaped names never occur in the service's frames; such a frame goes to the general parser.
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                var name = reader.ValueSpan;
                reader.Read();
                var token = reader.TokenType;
                if (name.SequenceEqual("type"u8))
                {
                    if (token != JsonTokenType.String || reader.ValueIsEscaped || !reader.ValueSpan.SequenceEqual(AudioDeltaType))
                    {
                        return false;
                    }

                    isAudioDelta = true;
                }
                else if (name.SequenceEqual("delta"u8))
                {
                    if (token == JsonTokenType.String && reader.ValueIsEscaped)
                    {
                        ReturnUnescaped();

                        // Unescaping only shortens: the escaped length is enough room.
                        unescaped = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                        unescapedLength = reader.CopyString(unescaped);
                    }
                    else if (TryPlainString(ref reader, out base64))
                    {
                        // A later plain delta wins over an earlier escaped one, as in the general parser.
                        ReturnUnescaped();
                    }
                    else
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("item_id"u8))
                {
                    if (!TryPlainString(ref reader, out itemId))
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("response_id"u8))
                {
                    if (!TryPlainString(ref reader, out responseId))
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("content_index"u8))
                {
                    contentIndex = token != JsonTokenType.Number ? 0
                        : reader.TryGetInt32(out var index) ? index
                        : (int)Math.Clamp(reader.GetDouble(), int.MinValue, int.MaxValue);
                }
                else if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            // Nothing but whitespace may follow the object (the reader throws JsonException for anything else): the
            // general parser refuses "{...} x" as not JSON, and the fast path played it (found by the fuzz tests).
            if (!isAudioDelta || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            // The general parser refuses ids that are not UTF-8 (decoding them throws); the fast path made U+FFFD of them
            // (found by the fuzz tests). A WebSocket passes only valid UTF-8, so this costs a check of a few bytes.
            if (!Utf8.IsValid(json[responseId]) || !Utf8.IsValid(json[itemId]))
            {
                return false;
            }

            var audio = unescaped is not null ? unescaped.AsSpan(0, unescapedLength) : json[base64];
            delta = Decode(_responseIds.Get(json[responseId]), _itemIds.Get(json[itemId]), contentIndex, audio);
            return delta is not null;
        }
        finally
        {
            ReturnUnescaped();
        }

        void ReturnUnescaped()
        {
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
                unescaped = null;
            }
        }
    }

    /// <summary>
    /// A string value without escapes (as the service writes ids and base64); any other value is taken as missing (empty),
    /// like the general parser does. False for an escaped string, which only the general parser decodes.
    /// </summary>
    private static bool TryPlainString(ref Utf8JsonReader reader, out Range value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return true;
        }

        if (reader.ValueIsEscaped)
        {
            return false;
        }

        var start = (int)reader.TokenStartIndex + 1; // after the opening quote
        value = start..(start + reader.ValueSpan.Length);
        return true;
    }

    /// <summary>The decoded delta, or null when the audio is not base64: the general parser maps and reports that one.</summary>
    private static AgentAudioDelta? Decode(string responseId, string itemId, int contentIndex, ReadOnlySpan<byte> base64)
    {
        var delta = AgentAudioDelta.Rent(responseId, itemId, contentIndex, Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        var status = Base64.DecodeFromUtf8(base64, delta.WritableAudio, out var consumed, out var written);
        if (status != OperationStatus.Done || consumed != base64.Length)
        {
            delta.Release();
            return null;
        }

        delta.SetAudioLength(written);
        return delta;
    }
}
