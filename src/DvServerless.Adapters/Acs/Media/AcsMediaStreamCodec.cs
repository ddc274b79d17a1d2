using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using DvServerless.Core.Audio;
using DvServerless.Core.Text;

namespace DvServerless.Adapters.Acs.Media;

/// <summary>
/// Reads and writes the ACS bidirectional media-streaming messages (PROTOCOL.md §5): inbound <c>AudioMetadata</c>,
/// <c>AudioData</c>, <c>DtmfData</c>; outbound <c>AudioData</c> and <c>StopAudio</c> in the documented PascalCase form.
/// </summary>
public static partial class AcsMediaStreamCodec
{
    private static readonly byte[] StopAudioBytes = """{"Kind":"StopAudio","AudioData":null,"StopAudio":{}}"""u8.ToArray();

    /// <summary>
    /// Parses one inbound text frame. Throws <see cref="AcsMediaFormatException"/> when it is malformed. A leg passes its
    /// own <paramref name="participants"/> cache: the participant id repeats on every frame of a mixed stream, and a string
    /// per frame would be the only allocation of the path.
    /// </summary>
    public static AcsInboundMessage Parse(ReadOnlySpan<byte> utf8Json, Utf8StringCache? participants = null)
    {
        var kind = (AcsInboundKind?)null;
        string? rawKind = null;
        AcsAudioMetadata? metadata = null;
        var audio = default(PooledAudio);
        var silent = false;
        string? participant = null;
        DateTimeOffset? timestamp = null;
        string? tone = null;
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new AcsMediaFormatException("The media frame is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("kind"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new AcsMediaFormatException("The media frame's 'kind' is not a string.");
                    }

                    kind = ReadKind(ref reader, out rawKind);
                }
                else if (reader.ValueTextEquals("audioData"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        audio.Dispose();
                        audio = ReadAudioData(ref reader, participants, out silent, out participant, out timestamp);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("audioMetadata"u8))
                {
                    reader.Read();
                    metadata = reader.TokenType == JsonTokenType.StartObject ? ReadMetadata(ref reader) : SkipValue(ref reader);
                }
                else if (reader.ValueTextEquals("dtmfData"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadDtmf(ref reader, out tone, out participant);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw new AcsMediaFormatException("The media frame is not a well-formed JSON object.");
            }

            if (reader.Read())
            {
                throw new AcsMediaFormatException("The media frame has content after its JSON object.");
            }

            if (kind is null)
            {
                throw new AcsMediaFormatException("The media frame has no 'kind'.");
            }
        }
        catch (JsonException exception)
        {
            audio.Dispose();
            throw new AcsMediaFormatException($"The media frame is not valid JSON (byte {reader.BytesConsumed}).", exception);
        }
        catch (InvalidOperationException exception)
        {
            // The reader throws this for a string it cannot decode (a lone surrogate escape such as "\uD800").
            audio.Dispose();
            throw new AcsMediaFormatException($"The media frame holds a string that is not valid Unicode (byte {reader.BytesConsumed}).", exception);
        }
        catch
        {
            audio.Dispose();
            throw;
        }

        switch (kind.Value)
        {
            case AcsInboundKind.AudioData:
                return new AcsInboundMessage(AcsInboundKind.AudioData, audio: audio, isSilent: silent, participantRawId: participant, timestamp: timestamp);
            case AcsInboundKind.AudioMetadata:
                audio.Dispose();
                if (metadata is null)
                {
                    throw new AcsMediaFormatException("The AudioMetadata frame has no 'audioMetadata' object.");
                }

                return new AcsInboundMessage(AcsInboundKind.AudioMetadata, audioMetadata: metadata);
            case AcsInboundKind.DtmfData:
                audio.Dispose();
                return new AcsInboundMessage(AcsInboundKind.DtmfData, participantRawId: participant, dtmfTone: tone);
            default:
                audio.Dispose();
                return new AcsInboundMessage(kind.Value, rawKind: rawKind);
        }
    }

    /// <summary>Writes <c>{"Kind":"AudioData","AudioData":{"Data":"&lt;base64&gt;"},"StopAudio":null}</c> for <paramref name="pcm"/>; returns the bytes written.</summary>
    public static int WriteAudioData(ReadOnlySpan<byte> pcm, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ReadOnlySpan<byte> prefix = "{\"Kind\":\"AudioData\",\"AudioData\":{\"Data\":\""u8;
        ReadOnlySpan<byte> suffix = "\"},\"StopAudio\":null}"u8;
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(pcm.Length);
        var total = prefix.Length + encodedLength + suffix.Length;
        var span = output.GetSpan(total);
        prefix.CopyTo(span);
        var status = Base64.EncodeToUtf8(pcm, span[prefix.Length..], out _, out var written);
        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException("Base64 encoding of the audio frame did not complete.");
        }

        suffix.CopyTo(span[(prefix.Length + written)..]);
        var length = prefix.Length + written + suffix.Length;
        output.Advance(length);
        return length;
    }

    /// <summary>The UTF-8 bytes of <c>{"Kind":"StopAudio","AudioData":null,"StopAudio":{}}</c>.</summary>
    public static ReadOnlyMemory<byte> StopAudio => StopAudioBytes;

    private static AcsInboundKind ReadKind(ref Utf8JsonReader reader, out string? rawKind)
    {
        rawKind = null;
        if (reader.ValueTextEquals("AudioData"u8))
        {
            return AcsInboundKind.AudioData;
        }

        if (reader.ValueTextEquals("AudioMetadata"u8))
        {
            return AcsInboundKind.AudioMetadata;
        }

        if (reader.ValueTextEquals("DtmfData"u8))
        {
            return AcsInboundKind.DtmfData;
        }

        if (reader.ValueTextEquals("TranscriptionMetadata"u8))
        {
            return AcsInboundKind.TranscriptionMetadata;
        }

        if (reader.ValueTextEquals("TranscriptionData"u8))
        {
            return AcsInboundKind.TranscriptionData;
        }

        rawKind = reader.GetString();
        return AcsInboundKind.Unknown;
    }

    private static AcsAudioMetadata? SkipValue(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    private static PooledAudio ReadAudioData(ref Utf8JsonReader reader, Utf8StringCache? participants, out bool silent, out string? participant,
        out DateTimeOffset? timestamp)
    {
        silent = false;
        participant = null;
        timestamp = null;
        var audio = default(PooledAudio);
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        audio.Dispose();
                        audio = DecodeBase64(ref reader);
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw new AcsMediaFormatException("The AudioData frame's 'data' is not a string.");
                    }
                }
                else if (reader.ValueTextEquals("silent"u8))
                {
                    reader.Read();
                    silent = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("participantRawID"u8))
                {
                    reader.Read();
                    participant = reader.TokenType == JsonTokenType.String ? ReadParticipant(ref reader, participants) : null;
                }
                else if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    // Parsed from the UTF-8 bytes: a string per frame would be the only allocation on this path.
                    timestamp = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return audio;
        }
        catch
        {
            audio.Dispose();
            throw;
        }
    }

    private static PooledAudio DecodeBase64(ref Utf8JsonReader reader)
    {
        if (reader.ValueSpan.Length == 0 && !reader.ValueIsEscaped)
        {
            return default;
        }

        byte[]? unescaped = null;
        try
        {
            ReadOnlySpan<byte> encoded;
            if (reader.ValueIsEscaped)
            {
                // A JSON writer may escape '+' and '/' (e.g. "\u002B"); unescape into a pooled buffer first.
                unescaped = PooledBuffers.Rent(reader.ValueSpan.Length);
                var length = reader.CopyString(unescaped);
                encoded = unescaped.AsSpan(0, length);
            }
            else
            {
                encoded = reader.ValueSpan;
            }

            if (encoded.Length == 0)
            {
                return default;
            }

            var buffer = PooledBuffers.Rent(Base64.GetMaxDecodedFromUtf8Length(encoded.Length));
            var status = Base64.DecodeFromUtf8(encoded, buffer, out _, out var written);
            if (status != OperationStatus.Done)
            {
                PooledBuffers.Return(buffer);
                throw new AcsMediaFormatException("The AudioData frame's 'data' is not valid base64.");
            }

            return new PooledAudio(buffer, written);
        }
        finally
        {
            if (unescaped is not null)
            {
                PooledBuffers.Return(unescaped);
            }
        }
    }

    private static string? ReadParticipant(ref Utf8JsonReader reader, Utf8StringCache? participants) =>
        participants is not null && !reader.ValueIsEscaped ? participants.Get(reader.ValueSpan) : reader.GetString();

    private static AcsAudioMetadata ReadMetadata(ref Utf8JsonReader reader)
    {
        string? subscriptionId = null;
        string? encoding = null;
        int sampleRate = 0, channels = 0, length = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("subscriptionId"u8))
            {
                reader.Read();
                subscriptionId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("encoding"u8))
            {
                reader.Read();
                encoding = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("sampleRate"u8))
            {
                sampleRate = ReadInt(ref reader, "sampleRate");
            }
            else if (reader.ValueTextEquals("channels"u8))
            {
                channels = ReadInt(ref reader, "channels");
            }
            else if (reader.ValueTextEquals("length"u8))
            {
                length = ReadInt(ref reader, "length");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new AcsAudioMetadata(subscriptionId, encoding ?? "PCM", sampleRate, channels, length);
    }

    private static int ReadInt(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
        {
            throw new AcsMediaFormatException($"The AudioMetadata frame's '{name}' is not an integer.");
        }

        return value;
    }

    private static void ReadDtmf(ref Utf8JsonReader reader, out string? tone, out string? participant)
    {
        tone = null;
        participant = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                tone = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("participantRawID"u8))
            {
                reader.Read();
                participant = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }
}
