using System.Text;
using System.Text.Json;
using DvServerless.Simulators.Realtime;

namespace DvServerless.Simulators.Tests.Realtime;

/// <summary>
/// The simulator's two most frequent frames skip its document model; these check they stay exactly the protocol's
/// frames: a plain append is recognised (anything else goes through full validation), and an audio delta has the
/// service's fields in its order, with audio that decodes to what was sent.
/// </summary>
public sealed class RealtimeWireFastPathTests
{
    [Theory]
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AAEC"}""", true)]
    [InlineData("""{"audio":"AAEC","type":"input_audio_buffer.append"}""", true)]
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AAEC","event_id":"e1"}""", false)] // event_id: full path
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AA\u0045C"}""", false)]             // escaped audio
    [InlineData("""{"type":"input_audio_buffer.commit","audio":"AAEC"}""", false)]
    [InlineData("""{"type":"input_audio_buffer.append"}""", false)]                                  // missing audio: its error
    [InlineData("""{"type":"input_audio_buffer.append","audio":7}""", false)]
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AAEC"} {}""", false)]               // trailing content
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AAEC" """, false)]                  // not JSON
    public void Only_a_plain_append_takes_the_fast_path(string frame, bool plain)
    {
        var payload = Encoding.UTF8.GetBytes(frame);

        var taken = RealtimeAppendFrame.TryRead(payload, out var audio);

        Assert.Equal(plain, taken);
        if (plain)
        {
            Assert.Equal("AAEC", Encoding.UTF8.GetString(payload.AsSpan()[audio]));
        }
    }

    [Fact]
    public void An_audio_delta_has_the_services_fields_in_order_and_audio_that_decodes_to_what_was_sent()
    {
        // Bytes whose base64 holds both "+" and "/", which the service writes unescaped.
        var audio = new byte[] { 0xFB, 0xEF, 0xBE, 0xFF, 0xFF, 0xFF, 1, 2, 3 };

        var json = RealtimeAudioDeltaEvent.Write("resp_1", "item_1", audio);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["type", "event_id", "response_id", "item_id", "output_index", "content_index", "delta"],
            root.EnumerateObject().Select(property => property.Name).ToArray());
        Assert.Equal("response.output_audio.delta", root.GetProperty("type").GetString());
        Assert.StartsWith("event_", root.GetProperty("event_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(("resp_1", "item_1", 0, 0), (root.GetProperty("response_id").GetString(), root.GetProperty("item_id").GetString(),
            root.GetProperty("output_index").GetInt32(), root.GetProperty("content_index").GetInt32()));
        Assert.Equal(audio, root.GetProperty("delta").GetBytesFromBase64());
        Assert.Contains("\"delta\":\"++++////AQID\"", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
    }
}
