using System.Buffers;
using System.Text;
using System.Text.Json;
using DvServerless.MediaWorker.Legs;

namespace DvServerless.MediaWorker.Tests.Legs;

public sealed class BrowserMessageCodecTests
{
    [Theory]
    [InlineData("""{"type":"interrupt"}""", BrowserClientMessageKind.Interrupt, false, null)]
    [InlineData("""{"type":"stop","extra":[1,{"a":2}]}""", BrowserClientMessageKind.Stop, false, null)]
    [InlineData("""{"type":"audio","enabled":true}""", BrowserClientMessageKind.Audio, true, null)]
    [InlineData("""{"enabled":false,"type":"audio"}""", BrowserClientMessageKind.Audio, false, null)]
    [InlineData(""" {"type":"text","text":"Caf\u00e9 \"open\"?"} """, BrowserClientMessageKind.Text, false, "Café \"open\"?")]
    public void Commands_parse_from_their_wire_json(string json, BrowserClientMessageKind kind, bool enabled, string? text)
    {
        Assert.True(BrowserMessageCodec.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error), error);
        Assert.Equal(new BrowserClientMessage(kind, enabled, text), message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"type":"interrupt"} {}""")]
    [InlineData("""{"type":"dance"}""")]
    [InlineData("""{"type":7}""")]
    [InlineData("""{}""")]
    [InlineData("""{"type":"audio","enabled":"yes"}""")]
    [InlineData("""{"type":"text","text":"   "}""")]
    [InlineData("""{"type":"text"}""")]
    [InlineData("""{"type":"interrupt" """)]
    public void Anything_else_is_refused_with_a_reason(string json)
    {
        Assert.False(BrowserMessageCodec.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Typed_text_is_limited_to_4_KiB()
    {
        var ok = JsonSerializer.Serialize(new { type = "text", text = new string('é', 2048) }); // 4096 bytes of UTF-8
        var tooLong = JsonSerializer.Serialize(new { type = "text", text = new string('é', 2048) + "a" });
        Assert.True(BrowserMessageCodec.TryParse(Encoding.UTF8.GetBytes(ok), out _, out _));
        Assert.False(BrowserMessageCodec.TryParse(Encoding.UTF8.GetBytes(tooLong), out _, out _));
    }

    [Fact]
    public void Events_carry_type_and_session_id_and_their_fields()
    {
        var output = new ArrayBufferWriter<byte>();
        BrowserMessageCodec.WriteInterrupt(output, "web-1", "item-a1", 1234);
        Assert.Equal("""{"type":"INTERRUPT","sessionId":"web-1","itemId":"item-a1","audioEndMs":1234}""", Encoding.UTF8.GetString(output.WrittenSpan));

        output.ResetWrittenCount();
        BrowserMessageCodec.WriteMessage(output, "web-1", fromUser: false, "Hi \"you\"", "item-a1", final: true);
        Assert.Equal("""{"type":"ROBOT_MESSAGE","sessionId":"web-1","content":"Hi \u0022you\u0022","segmentId":"item-a1","final":true}""", Encoding.UTF8.GetString(output.WrittenSpan));

        output.ResetWrittenCount();
        BrowserMessageCodec.WriteSessionEnded(output, "web-1", "max_duration");
        Assert.Equal("""{"type":"SESSION_ENDED","sessionId":"web-1","reason":"max_duration"}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
