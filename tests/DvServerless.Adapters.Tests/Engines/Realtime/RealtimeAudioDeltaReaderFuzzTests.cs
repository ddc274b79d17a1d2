using System.Text;
using System.Text.Json;
using CsCheck;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>
/// The hand-written fast path for <c>response.output_audio.delta</c> against the general parser, over generated deltas:
/// the service's shape with random ids, audio, JSON escaping of the base64 (<c>\u002B</c>, <c>\/</c>), field order,
/// whitespace and extra fields, then hostile values, duplicates and byte-level damage. The reader must never throw,
/// must take every delta the service writes, and whenever it takes a frame it must give exactly what
/// <see cref="RealtimeServerEventParser"/> gives; its pooled buffers must come back once and never be shared.
/// </summary>
public sealed class RealtimeAudioDeltaReaderFuzzTests
{
    private const string AudioDeltaType = "response.output_audio.delta";
    private const string IdCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:";
    private static readonly string[] UnusualIdCharacters = ["é", "日本", "😀", "/", " ", "\u2028", "\"", "\\", "\n", "\u0001"];
    private static readonly string[] Whitespace = ["", "", "", " ", "\n", "\t", "\r\n  "];

    [Fact]
    public void Reader_never_throws_takes_every_service_delta_and_agrees_with_the_general_parser()
    {
        // Deltas the other tests of this assembly rent may take the instance this test released; a few spare instances
        // in the pool keep the allocation check about this reader.
        var spares = Enumerable.Range(0, 16).Select(_ => AgentAudioDelta.Rent("r", "i", 0, 16)).ToList();
        spares.ForEach(spare => spare.Release());
        var reader = new RealtimeAudioDeltaReader();

        Fuzz.Check(Gen.Int.Select(seed => DeltaCase.Make(new Random(seed))), fuzzCase =>
        {
            var frame = fuzzCase.Frame;
            var expected = Reference(frame);

            var accepted = reader.TryRead(frame, out var first);
            if (fuzzCase.FromService)
            {
                Assert.True(accepted, "The fast path refused a delta in the service's shape.");
                Assert.Equal((fuzzCase.ResponseId, fuzzCase.ItemId, fuzzCase.ContentIndex), (first!.ResponseId, first.ItemId, first.ContentIndex));
                Assert.Equal(fuzzCase.Audio, first.Audio.ToArray());
            }

            if (!accepted)
            {
                Assert.Null(first);
                return;
            }

            Assert.NotNull(expected);
            AssertSame(expected, first!);

            // A second delta read while the first is still held must not share its buffers (a buffer returned twice to
            // the pool would be handed to both), and reading again gives the same result.
            Assert.True(reader.TryRead(frame, out var second));
            AssertSame(expected, second!);
            AssertSame(expected, first!);
            Assert.NotSame(first, second);
            first!.Release();
            second!.Release();
            Assert.False(first.IsPooled);

            // Warm: the same frame again costs nothing, so nothing it rents is lost from the pools. A buffer that is never
            // returned makes every later read allocate; one read in some 200,000 sees a stray allocation of the runtime
            // on this thread (under 2 KB, not reproducible from its seed), hence the one retry.
            Assert.Equal(0, Math.Min(AllocatedByRead(reader, frame, expected), AllocatedByRead(reader, frame, expected)));
        }, fuzzCase => HostileJson.Print(fuzzCase.Frame));
    }

    [Fact]
    public void Generated_service_deltas_are_mostly_the_service_shape_and_use_every_escape()
    {
        // The fuzz property above is only as good as its cases: most must be deltas the reader has to take, and the
        // escapes it unescapes must occur.
        var cases = Enumerable.Range(0, 2000).Select(seed => DeltaCase.Make(new Random(seed))).ToList();
        var text = string.Concat(cases.Select(c => Encoding.UTF8.GetString(c.Frame)));

        Assert.InRange(cases.Count(c => c.FromService), 900, 1500);
        Assert.Contains("\\u002B", text, StringComparison.Ordinal);
        Assert.Contains("\\u002b", text, StringComparison.Ordinal);
        Assert.Contains("\\/", text, StringComparison.Ordinal);
        Assert.Contains("\\u002F", text, StringComparison.Ordinal);
        Assert.Contains("\\uD800", text, StringComparison.Ordinal);
    }

    public static TheoryData<byte[]> DeltasWithNoUnicodeForm => new()
    {
        // Shrunk from the fuzz case that found it (seed 4JAEoAtCO481): an escaped delta holding a byte that is not UTF-8.
        Encoding.UTF8.GetBytes("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"\/Gc""").Append((byte)0xFF)
            .Concat("""\u002BAA"}"""u8.ToArray()).ToArray(),
        // The same failure from bytes every WebSocket passes as valid UTF-8: a lone surrogate escape.
        """{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"AAAA\uD800"}"""u8.ToArray(),
        """{"type":"response.output_audio.delta","delta":"\uDC00\u002BAAA"}"""u8.ToArray(),
    };

    [Theory]
    [MemberData(nameof(DeltasWithNoUnicodeForm))]
    public void A_delta_with_no_unicode_form_is_left_to_the_general_parser(byte[] frame)
    {
        // The reader threw InvalidOperationException here, which ended the engine's receive loop (and the call). The
        // general parser refuses the frame with JsonException (a lone surrogate) or maps it to no audio (invalid UTF-8
        // is no base64); either way the engine goes on.
        Assert.False(new RealtimeAudioDeltaReader().TryRead(frame, out var delta));
        Assert.Null(delta);
        var events = new List<EngineEvent>();
        if (!Fuzz.Fails(() => RealtimeServerEventParser.Parse(frame, events, out _), typeof(JsonException)))
        {
            Assert.Equal(0, Assert.IsType<AgentAudioDelta>(Assert.Single(events)).Audio.Length);
        }
    }

    [Theory]
    // Shrunk from the fuzz case that found it (seed aCwYtcjvEUJ1): the fast path stopped at the closing brace.
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"AAEC"} x""")]
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"AAEC"}{}""")]
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"AAEC"}]""")]
    public void A_delta_followed_by_more_than_whitespace_is_not_taken_as_the_general_parser_refuses_it(string frame)
    {
        var json = Encoding.UTF8.GetBytes(frame);
        Assert.ThrowsAny<JsonException>(() => RealtimeServerEventParser.Parse(json, [], out _));

        Assert.False(new RealtimeAudioDeltaReader().TryRead(json, out var delta));
        Assert.Null(delta);
        Assert.True(new RealtimeAudioDeltaReader().TryRead(Encoding.UTF8.GetBytes(frame[..(frame.IndexOf("\"}", StringComparison.Ordinal) + 2)] + " \r\n"), out var plain));
        plain!.Release();
    }

    [Fact]
    public void Ids_that_are_not_utf8_are_left_to_the_general_parser_which_refuses_them()
    {
        // Shrunk from the fuzz case that found it (seed 361qUU7U2RA1): the fast path gave "\uFFFD\uFFFDitem_1" as the id.
        byte[] frame = [.. """{"type":"response.output_audio.delta","response_id":"r","item_id":" """u8[..^1], 0xC0, 0x80, .. "item_1\",\"delta\":\"AAEC\"}"u8];
        Assert.ThrowsAny<JsonException>(() => RealtimeServerEventParser.Parse(frame, [], out _));

        Assert.False(new RealtimeAudioDeltaReader().TryRead(frame, out var delta));
        Assert.Null(delta);
    }

    private static long AllocatedByRead(RealtimeAudioDeltaReader reader, byte[] frame, AgentAudioDelta expected)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var accepted = reader.TryRead(frame, out var delta);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(accepted);
        AssertSame(expected, delta!);
        delta!.Release();
        return allocated;
    }

    private static AgentAudioDelta? Reference(byte[] frame)
    {
        var events = new List<EngineEvent>();
        if (Fuzz.Fails(() => RealtimeServerEventParser.Parse(frame, events, out _), typeof(JsonException)))
        {
            return null;
        }

        return events is [AgentAudioDelta delta] ? delta : null;
    }

    private static void AssertSame(AgentAudioDelta expected, AgentAudioDelta actual)
    {
        Assert.True(actual.IsPooled);
        Assert.Equal((expected.ResponseId, expected.ItemId, expected.ContentIndex), (actual.ResponseId, actual.ItemId, actual.ContentIndex));
        Assert.True(expected.Audio.Span.SequenceEqual(actual.Audio.Span), $"Audio differs: {expected.Audio.Length} bytes expected, {actual.Audio.Length} read.");
    }

    /// <summary>
    /// One generated frame. <see cref="FromService"/>: a delta as the service (or the simulator, which escapes
    /// <c>+</c>) writes it, unharmed, with ids in plain JSON: the fast path must take it, with these ids and audio.
    /// </summary>
    private sealed record DeltaCase(byte[] Frame, bool FromService, string ResponseId, string ItemId, int ContentIndex, byte[] Audio)
    {
        public static DeltaCase Make(Random random)
        {
            var responseId = Id(random);
            var itemId = Id(random);
            var contentIndex = random.Next(8) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(3);
            var audio = new byte[random.Next(4) switch { 0 => random.Next(8), 1 => 960, 2 => random.Next(4800), _ => random.Next(1500) }];
            random.NextBytes(audio);
            var hostile = random.Next(2) == 0;

            var fields = new List<(string Name, string Value)>
            {
                ("type", JsonString(AudioDeltaType)),
                ("response_id", IdJson(responseId, random, hostile)),
                ("item_id", IdJson(itemId, random, hostile)),
                ("content_index", contentIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("delta", Base64Json(audio, random)),
            };
            if (random.Next(2) == 0)
            {
                fields.Add(("event_id", JsonString("event_" + random.Next())));
            }

            if (random.Next(3) == 0)
            {
                fields.Add(("output_index", "0"));
            }

            if (random.Next(6) == 0)
            {
                fields.Add(("extra", """{"nested":[1,{"delta":"AAAA","type":"x","item_id":"other"}],"s":"\u002B\/"}"""));
            }

            Shuffle(fields, random);
            var fromService = true;
            if (hostile)
            {
                fromService = false;
                Harm(fields, random);
            }

            var json = new StringBuilder();
            json.Append(Pick(Whitespace, random)).Append('{');
            for (var i = 0; i < fields.Count; i++)
            {
                json.Append(i == 0 ? "" : ",").Append(Pick(Whitespace, random)).Append(JsonString(fields[i].Name))
                    .Append(Pick(Whitespace, random)).Append(':').Append(Pick(Whitespace, random)).Append(fields[i].Value)
                    .Append(Pick(Whitespace, random));
            }

            json.Append('}').Append(Pick(Whitespace, random));
            var frame = Encoding.UTF8.GetBytes(json.ToString());
            if (hostile && random.Next(3) == 0)
            {
                frame = HarmBytes(frame, random);
            }

            return new DeltaCase(frame, fromService, responseId, itemId, contentIndex, audio);
        }

        private static string Id(Random random)
        {
            var id = new StringBuilder(random.Next(10) == 0 ? "" : Pick<string>(["resp_", "item_", "msg_", ""], random));
            var length = random.Next(random.Next(20) == 0 ? 200 : 24);
            for (var i = 0; i < length; i++)
            {
                id.Append(IdCharacters[random.Next(IdCharacters.Length)]);
            }

            return id.ToString();
        }

        /// <summary>The service writes ids plain; a harmed case adds characters that need escapes, or escapes at random.</summary>
        private static string IdJson(string id, Random random, bool hostile)
        {
            if (!hostile)
            {
                return JsonString(id);
            }

            var harmed = new StringBuilder(id);
            if (random.Next(3) == 0)
            {
                harmed.Insert(random.Next(harmed.Length + 1), Pick(UnusualIdCharacters, random));
            }

            var json = new StringBuilder("\"");
            foreach (var rune in harmed.ToString().EnumerateRunes())
            {
                json.Append(random.Next(30) == 0 && rune.IsBmp ? $"\\u{rune.Value:X4}" : Escape(rune.ToString()));
            }

            return json.Append('"').ToString();
        }

        /// <summary>Base64 as the service writes it, or with <c>+</c> and <c>/</c> escaped as a JSON encoder may write them.</summary>
        private static string Base64Json(byte[] audio, Random random)
        {
            var escapeStyle = random.Next(4); // 0: plain; 1: every "+" as \u002B (.NET's default encoder); 2, 3: at random
            var json = new StringBuilder("\"");
            foreach (var c in Convert.ToBase64String(audio))
            {
                json.Append((c, escapeStyle) switch
                {
                    (_, 0) => c.ToString(),
                    ('+', 1) => "\\u002B",
                    ('+', _) => Pick<string>(["+", "\\u002B", "\\u002b"], random),
                    ('/', >= 2) => Pick<string>(["/", "\\/", "\\u002F"], random),
                    (_, 3) when random.Next(100) == 0 => $"\\u{(int)c:X4}",
                    _ => c.ToString(),
                });
            }

            return json.Append('"').ToString();
        }

        /// <summary>One or two field-level harms: a hostile value, a dropped, repeated or renamed field, another type.</summary>
        private static void Harm(List<(string Name, string Value)> fields, Random random)
        {
            for (var n = random.Next(1, 3); n > 0; n--)
            {
                var at = random.Next(fields.Count);
                var (name, value) = fields[at];
                switch (random.Next(9))
                {
                    case 0:
                    case 1:
                        fields[at] = (name, Pick(HostileValues.JsonValues, random));
                        break;
                    case 2:
                        fields[at] = (name, Pick<string>(["\"\\uD800\"", "\"AAAA\\uD800\"", "\"\\uDC00AAA\"", "\"AA\\u0000A\"", "\"AA AA\"", "\"AA\\nAA\"", "\"AAA=\"", "\"AB==\"", "\"A===\"", "\"\\\\AAA\""], random));
                        break;
                    case 3:
                        fields.RemoveAt(at);
                        break;
                    case 4:
                        fields.Insert(random.Next(fields.Count + 1), (name, Pick<string>(["null", "7", "\"\"", "\"AAEC\"", "\"\\u002B\\u002B\\u002B\\u002B\"", value], random)));
                        break;
                    case 5:
                        fields[at] = (Pick<string>(["Type", "delta ", "item_id\u0000", "\uD800", "dèlta"], random), value);
                        break;
                    case 6:
                        fields.Add(("type", JsonString(Pick<string>(["response.output_audio_transcript.delta", "response.output_audio.done", "", AudioDeltaType], random))));
                        break;
                    case 7:
                        fields[at] = (name, value.Length > 2 && value[0] == '"' ? value.Insert(random.Next(1, value.Length - 1), Pick<string>(["\\u002B", "\\/", "\\\"", "\\n", "é", "\\uD83D\\uDE00"], random)) : value);
                        break;
                    default:
                        fields.Insert(0, ("type", "\"\\u0072esponse.output_audio.delta\""));
                        break;
                }
            }
        }

        private static byte[] HarmBytes(byte[] frame, Random random)
        {
            switch (random.Next(4))
            {
                case 0:
                    return frame.AsSpan(0, random.Next(frame.Length + 1)).ToArray();
                case 1:
                    var at = random.Next(frame.Length + 1);
                    return [.. frame.AsSpan(0, at), .. Pick(HostileValues.InvalidUtf8, random), .. frame.AsSpan(at)];
                case 2:
                    var flipped = frame.ToArray();
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                    return flipped;
                default:
                    return [.. frame, .. Pick<byte[]>(["}"u8.ToArray(), ",{}"u8.ToArray(), " x"u8.ToArray(), [0]], random)];
            }
        }

        private static string JsonString(string value) => "\"" + Escape(value) + "\"";

        private static string Escape(string value)
        {
            var escaped = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                escaped.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    < ' ' => $"\\u{(int)c:X4}",
                    _ => c.ToString(),
                });
            }

            return escaped.ToString();
        }

        private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

        private static void Shuffle<T>(List<T> items, Random random)
        {
            for (var i = items.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }
    }
}
