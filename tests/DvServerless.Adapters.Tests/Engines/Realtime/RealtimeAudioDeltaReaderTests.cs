using System.Text;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

public sealed class RealtimeAudioDeltaReaderTests
{
    private static readonly byte[] Pcm = Enumerable.Range(0, 960).Select(i => (byte)(i * 7)).ToArray();
    private static readonly string Base64Pcm = Convert.ToBase64String(Pcm);

    private readonly RealtimeAudioDeltaReader _reader = new();

    public static TheoryData<string> AudioDeltaFrames => new()
    {
        // The shape of the GA reference example, then the same fields in other orders and with extra fields.
        $$"""{"event_id":"event_4950","type":"response.output_audio.delta","response_id":"resp_001","item_id":"msg_008","output_index":0,"content_index":0,"delta":"{{Base64Pcm}}"}""",
        $$"""{"delta":"{{Base64Pcm}}","content_index":2,"item_id":"msg_008","response_id":"resp_001","type":"response.output_audio.delta"}""",
        $$"""{"type":"response.output_audio.delta","extra":{"nested":[1,{"delta":"AAAA","type":"x"}]},"response_id":"resp_001","item_id":"msg_008","content_index":1,"delta":"{{Base64Pcm}}"}""",
        """{"type":"response.output_audio.delta","response_id":"resp_001","item_id":"msg_008","content_index":0,"delta":""}""",
        """{"type":"response.output_audio.delta","response_id":null,"item_id":7,"content_index":"0","delta":"AAEC"}""",
        """{"type":"response.output_audio.delta","content_index":3000000000,"delta":"AAEC"}""",
    };

    [Theory]
    [MemberData(nameof(AudioDeltaFrames))]
    public void Audio_delta_maps_exactly_as_the_general_parser_maps_it(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var events = new List<EngineEvent>();
        RealtimeServerEventParser.Parse(utf8, events, out _);
        var expected = Assert.IsType<AgentAudioDelta>(Assert.Single(events));

        Assert.True(_reader.TryRead(utf8, out var delta));

        Assert.True(delta!.IsPooled);
        Assert.Equal((expected.ResponseId, expected.ItemId, expected.ContentIndex), (delta.ResponseId, delta.ItemId, delta.ContentIndex));
        Assert.Equal(expected.Audio.ToArray(), delta.Audio.ToArray());
        delta.Release();
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAE")]
    public void Audio_that_is_not_base64_is_left_to_the_general_parser_which_reports_it(string notBase64)
    {
        var utf8 = Encoding.UTF8.GetBytes($$"""{"type":"response.output_audio.delta","response_id":"resp_001","content_index":0,"delta":"{{notBase64}}"}""");

        Assert.False(_reader.TryRead(utf8, out var delta));
        Assert.Null(delta);
        var events = new List<EngineEvent>();
        RealtimeServerEventParser.Parse(utf8, events, out _);
        Assert.True(Assert.IsType<AgentAudioDelta>(events[0]).Audio.IsEmpty);
        Assert.Equal("invalid_audio_delta", Assert.IsType<EngineError>(events[1]).Code);
    }

    [Fact]
    public void Reference_example_gives_its_ids_and_decoded_audio()
    {
        var json = $$"""{"event_id":"event_4950","type":"response.output_audio.delta","response_id":"resp_001","item_id":"msg_008","output_index":0,"content_index":0,"delta":"{{Base64Pcm}}"}""";

        Assert.True(_reader.TryRead(Encoding.UTF8.GetBytes(json), out var delta));

        Assert.Equal(("resp_001", "msg_008", 0), (delta!.ResponseId, delta.ItemId, delta.ContentIndex));
        Assert.Equal(Pcm, delta.Audio.ToArray());
        delta.Release();
    }

    [Fact]
    public void Ids_that_repeat_across_deltas_are_the_same_string_and_a_new_item_gets_a_new_one()
    {
        static byte[] Frame(string item) => Encoding.UTF8.GetBytes(
            $$"""{"type":"response.output_audio.delta","response_id":"resp_001","item_id":"{{item}}","content_index":0,"delta":"AAEC"}""");

        Assert.True(_reader.TryRead(Frame("msg_008"), out var first));
        var (firstResponse, firstItem) = (first!.ResponseId, first.ItemId);
        first.Release();
        Assert.True(_reader.TryRead(Frame("msg_008"), out var second));
        Assert.Same(firstResponse, second!.ResponseId);
        Assert.Same(firstItem, second.ItemId);
        second.Release();

        Assert.True(_reader.TryRead(Frame("msg_009"), out var third));
        Assert.Equal("msg_009", third!.ItemId);
        Assert.Same(firstResponse, third.ResponseId);
        third.Release();
    }

    [Theory]
    [InlineData("""{"type":"response.output_audio_transcript.delta","response_id":"resp_001","item_id":"msg_008","delta":"Hello"}""")]
    [InlineData("""{"delta":"AAEC","type":"response.output_audio.done","response_id":"resp_001"}""")]
    [InlineData("""{"response_id":"resp_001","item_id":"msg_008","delta":"AAEC"}""")]
    [InlineData("""["response.output_audio.delta"]""")]
    [InlineData("""{"type":"response.output_audio.delta","delta":"AAEC""")]
    [InlineData("not json")]
    public void Other_frames_and_broken_json_are_left_to_the_general_parser(string json)
    {
        Assert.False(_reader.TryRead(Encoding.UTF8.GetBytes(json), out var delta));
        Assert.Null(delta);
    }

    [Theory]
    // "/" may legally be written "\/" in JSON, and .NET's default encoder writes "+" as "\u002B" (the simulator does).
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"\/\/\/\/"}""", new byte[] { 0xFF, 0xFF, 0xFF })]
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","delta":"\u002B\u002B\u002B\u002B"}""", new byte[] { 0xFB, 0xEF, 0xBE })]
    public void Escaped_base64_is_unescaped_and_decoded_as_the_general_parser_decodes_it(string frame, byte[] pcm)
    {
        var json = Encoding.UTF8.GetBytes(frame);
        var events = new List<EngineEvent>();
        RealtimeServerEventParser.Parse(json, events, out _);
        Assert.Equal(pcm, Assert.IsType<AgentAudioDelta>(Assert.Single(events)).Audio.ToArray());

        Assert.True(_reader.TryRead(json, out var delta));

        Assert.True(delta!.IsPooled);
        Assert.Equal(("r", "i"), (delta.ResponseId, delta.ItemId));
        Assert.Equal(pcm, delta.Audio.ToArray());
        delta.Release();
    }

    [Fact]
    public void Escaped_base64_of_a_whole_frame_of_audio_matches_the_plain_one()
    {
        // The simulator's shape: every "+" of a 20 ms frame's base64 written as \u002B.
        var escaped = Base64Pcm.Replace("+", "\\u002B", StringComparison.Ordinal);
        Assert.Contains("\\u002B", escaped, StringComparison.Ordinal);
        var json = Encoding.UTF8.GetBytes($$"""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","content_index":0,"delta":"{{escaped}}"}""");

        Assert.True(_reader.TryRead(json, out var delta));

        Assert.Equal(Pcm, delta!.Audio.ToArray());
        delta.Release();
    }
}
