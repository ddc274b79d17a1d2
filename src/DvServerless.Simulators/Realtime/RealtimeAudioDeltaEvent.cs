using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Writes <c>response.output_audio.delta</c> straight to UTF-8, in the field order of the service's events (type,
/// event_id, response_id, item_id, output_index, content_index, delta), with the base64 written from the audio bytes and
/// <c>+</c> / <c>/</c> left unescaped as the service writes them. The most frequent server event: building it as a
/// document, then a string, then bytes made most of a load run's harness garbage.
/// </summary>
internal static class RealtimeAudioDeltaEvent
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The event's UTF-8 JSON for <paramref name="audio"/> of item <paramref name="itemId"/> in <paramref name="responseId"/>.</summary>
    public static byte[] Write(string responseId, string itemId, ReadOnlySpan<byte> audio)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, Options);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "response.output_audio.delta"u8);
        writer.WriteString("event_id"u8, RealtimeIds.New("event"));
        writer.WriteString("response_id"u8, responseId);
        writer.WriteString("item_id"u8, itemId);
        writer.WriteNumber("output_index"u8, 0);
        writer.WriteNumber("content_index"u8, 0);
        writer.WriteBase64String("delta"u8, audio);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
