using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using DvServerless.MediaWorker.Legs;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.MediaWorker.Tests.Legs;

/// <summary>
/// The browser media socket's commands, as any page (or anyone with a session token) may send them: the codec must
/// decide every frame exactly as a plain reading with <see cref="JsonDocument"/> does, never throw (the leg closes the
/// socket with 1007 and a reason only when the codec says no), and the events it writes must read back as written.
/// </summary>
public sealed class BrowserMessageCodecFuzzTests
{
    private static readonly string[] Commands =
    [
        """{"type":"interrupt"}""",
        """{"type":"stop","extra":[1,{"a":2}]}""",
        """{"type":"audio","enabled":true}""",
        """{"enabled":false,"type":"audio"}""",
        """{"type":"text","text":"Caf\u00e9 \"open\"?","clientId":"p1"}""",
    ];

    private static readonly string[] Characters =
    [
        "a", "Z", "0", " ", "  ", "\t", "\n", "\r", "\u0000", "\u001F", "\"", "\\", "/", "<", ">", "&", "'", "+", "é", "日",
        "😀", "\u2028", "\u2029", "\uFEFF", "\uFFFF", "\u00A0",
    ];

    [Fact]
    public void Commands_are_decided_as_a_plain_json_reading_decides_them_and_never_throw()
    {
        var commands = Gen.OneOf(Gen.Int.Select(seed => Command(new Random(seed))), HostileJson.Variants(Commands));
        Fuzz.Check(commands, frame =>
        {
            var expected = Model(frame);
            var accepted = false;
            BrowserClientMessage message = default;
            string? error = null;
            Fuzz.WithinAllocation(Fuzz.LinearBound(frame.Length), () =>
                accepted = BrowserMessageCodec.TryParse(frame, out message, out error));

            Assert.Equal(expected is not null, accepted);
            if (accepted)
            {
                Assert.Null(error);
                Assert.Equal(expected!.Value, message);
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
                Assert.Equal(default(BrowserClientMessage), message);
            }
        }, HostileJson.Print);
    }

    [Fact]
    public void Events_read_back_as_one_object_with_the_strings_they_were_given()
    {
        var strings = Gen.Int.Select(seed => Enumerable.Range(0, 6).Select(i => Text(new Random(seed + i))).ToArray());
        var output = new ArrayBufferWriter<byte>();
        Fuzz.Check(Gen.Select(strings, Gen.Int, Gen.Bool), values =>
        {
            var (s, number, flag) = values;
            var session = s[0].Length == 0 ? "web-1" : s[0];

            Write(w => BrowserMessageCodec.WriteSessionCreated(w, session), "SESSION_CREATED", session);
            var message = Write(w => BrowserMessageCodec.WriteMessage(w, session, flag, s[1], s[2], !flag), flag ? "USER_MESSAGE" : "ROBOT_MESSAGE", session);
            Assert.Equal((s[1], s[2], !flag), (message.GetProperty("content").GetString(), message.GetProperty("segmentId").GetString(), message.GetProperty("final").GetBoolean()));
            var interrupt = Write(w => BrowserMessageCodec.WriteInterrupt(w, session, s[3], number), "INTERRUPT", session);
            Assert.Equal((s[3], number), (interrupt.GetProperty("itemId").GetString(), interrupt.GetProperty("audioEndMs").GetInt32()));
            var ended = Write(w => BrowserMessageCodec.WriteSessionEnded(w, session, s[4]), "SESSION_ENDED", session);
            Assert.Equal(s[4], ended.GetProperty("reason").GetString());
            var failed = Write(w => BrowserMessageCodec.WriteError(w, session, s[5], s[1]), "ERROR", session);
            Assert.Equal((s[5], s[1]), (failed.GetProperty("code").GetString(), failed.GetProperty("message").GetString()));
            var debug = Write(w => BrowserMessageCodec.WriteFlowDebug(w, session, s[2], flag ? null : s[3], flag ? s[4] : null), "FLOW_DEBUG", session);
            Assert.Equal(s[2], debug.GetProperty("event").GetString());
            Assert.Equal(flag ? null : s[3], debug.TryGetProperty("itemId", out var item) ? item.GetString() : null);
            Assert.Equal(flag ? s[4] : null, debug.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
        });

        JsonElement Write(Action<ArrayBufferWriter<byte>> write, string type, string session)
        {
            output.ResetWrittenCount();
            write(output);
            var root = JsonDocument.Parse(output.WrittenMemory).RootElement;
            Assert.Equal(JsonValueKind.Object, root.ValueKind);
            Assert.Equal((type, session), (root.GetProperty("type").GetString(), root.GetProperty("sessionId").GetString()));
            return root;
        }
    }

    [Theory]
    // Shrunk from the fuzz case that found it (seed 4eGZIbid1Qa1): an unknown name the page cannot have meant.
    [InlineData("""{"enabled":"yes","\uD800":1,"type":"audio"}""")]
    [InlineData("""{"type":"text","text":"hi \uD83D"}""")]
    [InlineData("""{"type":"\uDC00stop"}""")]
    public void A_command_with_no_unicode_form_is_refused_with_a_reason(string json)
    {
        // The codec threw InvalidOperationException here, out of the socket's receive loop.
        Assert.False(BrowserMessageCodec.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error));
        Assert.Equal("a command's names and strings must be valid Unicode", error);
        Assert.Equal(default(BrowserClientMessage), message);
    }

    /// <summary>
    /// What the protocol says a frame means, read the plain way: one JSON object (at most 8 deep); the last <c>type</c>,
    /// <c>enabled</c> and <c>text</c> count, a value of another kind counts as missing; a string that is not valid
    /// Unicode (a lone surrogate escape) is not a command. Null when the frame must be refused.
    /// </summary>
    private static BrowserClientMessage? Model(byte[] frame)
    {
        try
        {
            using var document = JsonDocument.Parse(frame, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? type = null;
            bool? enabled = null;
            string? text = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value;
                if (property.NameEquals("type"))
                {
                    type = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                }
                else if (property.NameEquals("enabled"))
                {
                    enabled = value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
                }
                else if (property.NameEquals("text"))
                {
                    text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                }
            }

            return type switch
            {
                "interrupt" => new BrowserClientMessage(BrowserClientMessageKind.Interrupt),
                "stop" => new BrowserClientMessage(BrowserClientMessageKind.Stop),
                "audio" when enabled is { } on => new BrowserClientMessage(BrowserClientMessageKind.Audio, Enabled: on),
                "text" when !string.IsNullOrWhiteSpace(text) && Encoding.UTF8.GetByteCount(text) <= BrowserMessageCodec.MaxTextBytes =>
                    new BrowserClientMessage(BrowserClientMessageKind.Text, Text: text),
                _ => null,
            };
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON, or a name or string with no Unicode form.
            return null;
        }
    }

    private static byte[] Command(Random random)
    {
        var fields = new List<string>();
        var type = random.Next(8) switch
        {
            0 => "interrupt",
            1 => "stop",
            2 or 3 => "audio",
            4 or 5 or 6 => "text",
            _ => Pick(["Text", "dance", "", "text ", "\\u0074ext", "\\uD800", "au\\u0000dio"], random),
        };
        fields.Add($"\"type\":\"{type}\"");
        if (type == "audio" || random.Next(6) == 0)
        {
            fields.Add("\"enabled\":" + Pick(["true", "false", "true", "false", "\"yes\"", "1", "null"], random));
        }

        if (type == "text" || random.Next(6) == 0)
        {
            fields.Add("\"text\":" + (random.Next(10) == 0 ? Pick(["\"\\uD800\"", "\"a\\uDC00\"", "7", "null", "\"\"", "\"  \\n\""], random) : JsonSerializer.Serialize(Text(random))));
        }

        if (random.Next(3) == 0)
        {
            fields.Add(Pick(["\"clientId\":\"p1\"", "\"extra\":[1,{\"a\":[2,[3]]}]", "\"\\uD800\":1", "\"typ\\u0065\":\"stop\"", "\"type\":7"], random));
        }

        for (var i = fields.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (fields[i], fields[j]) = (fields[j], fields[i]);
        }

        var space = Pick(["", " ", "\n\t"], random);
        return Encoding.UTF8.GetBytes(space + "{" + string.Join("," + space, fields) + "}" + space);
    }

    /// <summary>Valid Unicode text: control characters, quotes, non-ASCII, now and then more than the 4 KiB limit.</summary>
    private static string Text(Random random)
    {
        var length = random.Next(12) == 0 ? random.Next(1000, 2500) : random.Next(30);
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(Pick(Characters, random));
        }

        return text.ToString();
    }

    private static string Pick(string[] items, Random random) => items[random.Next(items.Length)];
}
