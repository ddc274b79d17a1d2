using System.Text.Json;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Recognises the most frequent client frame, <c>input_audio_buffer.append</c> in its plain shape (exactly <c>type</c>
/// and an unescaped <c>audio</c> string, in any order), with one <see cref="Utf8JsonReader"/> pass and no allocation.
/// Any other shape (an <c>event_id</c>, an extra field, escapes) goes through the general validation, which answers
/// the same frame the same way.
/// </summary>
internal static class RealtimeAppendFrame
{
    private static ReadOnlySpan<byte> AppendType => "input_audio_buffer.append"u8;

    /// <summary>True, with where the base64 audio lies in <paramref name="payload"/>, when the frame is a plain append.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out Range audio)
    {
        audio = default;
        try
        {
            var reader = new Utf8JsonReader(payload, isFinalBlock: true, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var isAppend = false;
            var hasAudio = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                var isType = reader.ValueTextEquals("type"u8);
                var isAudio = !isType && reader.ValueTextEquals("audio"u8);
                if (!isType && !isAudio)
                {
                    return false;
                }

                if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                {
                    return false;
                }

                if (isType)
                {
                    isAppend = reader.ValueSpan.SequenceEqual(AppendType);
                }
                else
                {
                    var start = (int)reader.TokenStartIndex + 1; // after the opening quote
                    audio = start..(start + reader.ValueSpan.Length);
                    hasAudio = true;
                }
            }

            return isAppend && hasAudio && reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            // Not JSON: the general validation answers invalid_json.
            return false;
        }
    }
}
