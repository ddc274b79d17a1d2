using System.Buffers;
using System.Globalization;
using System.Text.Json;
using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Writes the JSON messages ACS sends the app on the media WebSocket (PROTOCOL.md, media streaming): AudioMetadata
/// first, then AudioData frames and DtmfData keys. One reused buffer; each message is valid until the next one is written.
/// </summary>
internal sealed class AcsMediaFrameWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Utf8JsonWriter _writer;

    public AcsMediaFrameWriter(int frameBytes)
    {
        _buffer = new ArrayBufferWriter<byte>(frameBytes * 2 + 256);
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The <c>AudioMetadata</c> message that opens the stream.</summary>
    public ReadOnlyMemory<byte> AudioMetadata(string subscriptionId, AudioFormat format, int frameBytes)
    {
        var writer = Begin();
        writer.WriteString("kind", "AudioMetadata");
        writer.WriteStartObject("audioMetadata");
        writer.WriteString("subscriptionId", subscriptionId);
        writer.WriteString("encoding", "PCM");
        writer.WriteNumber("sampleRate", format.SampleRate);
        writer.WriteNumber("channels", 1);
        writer.WriteNumber("length", frameBytes);
        writer.WriteEndObject();
        return End();
    }

    /// <summary>One <c>AudioData</c> frame of the caller's audio.</summary>
    public ReadOnlyMemory<byte> AudioData(DateTimeOffset timestamp, string participantRawId, ReadOnlySpan<byte> pcm, bool silent)
    {
        var writer = Begin();
        writer.WriteString("kind", "AudioData");
        writer.WriteStartObject("audioData");
        writer.WriteString("timestamp", Timestamp(timestamp));
        writer.WriteString("participantRawID", participantRawId);
        writer.WriteBase64String("data", pcm);
        writer.WriteBoolean("silent", silent);
        writer.WriteEndObject();
        return End();
    }

    /// <summary>
    /// One <c>DtmfData</c> message for a key the caller pressed, exactly the documented shape
    /// <c>{"kind":"DtmfData","dtmfData":{"data":"3"}}</c> (sent only on streams answered with <c>enableDtmfTones</c>).
    /// </summary>
    public ReadOnlyMemory<byte> DtmfData(char key)
    {
        var writer = Begin();
        writer.WriteString("kind", "DtmfData");
        writer.WriteStartObject("dtmfData");
        Span<char> tone = [key];
        writer.WriteString("data", tone);
        writer.WriteEndObject();
        return End();
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private Utf8JsonWriter Begin()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        return _writer;
    }

    private ReadOnlyMemory<byte> End()
    {
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenMemory;
    }
}
