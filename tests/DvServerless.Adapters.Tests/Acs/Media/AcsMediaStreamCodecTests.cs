using System.Buffers;
using System.Text;
using DvServerless.Adapters.Acs.Media;

namespace DvServerless.Adapters.Tests.Acs.Media;

public sealed class AcsMediaStreamCodecTests
{
    private static AcsInboundMessage Parse(string json) => AcsMediaStreamCodec.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parses_16k_audio_metadata_from_the_docs_example()
    {
        using var message = Parse("""{"kind":"AudioMetadata","audioMetadata":{"subscriptionId":"89e8cb59-b991-48b0-b154-1db84f16a077","encoding":"PCM","sampleRate":16000,"channels":1,"length":640}}""");
        Assert.Equal(AcsInboundKind.AudioMetadata, message.Kind);
        Assert.Equal(new AcsAudioMetadata("89e8cb59-b991-48b0-b154-1db84f16a077", "PCM", 16000, 1, 640), message.AudioMetadata);
    }

    [Fact]
    public void Parses_24k_audio_metadata()
    {
        using var message = Parse("""{"kind":"AudioMetadata","audioMetadata":{"subscriptionId":"s","encoding":"PCM","sampleRate":24000,"channels":1,"length":960}}""");
        Assert.Equal(24000, message.AudioMetadata!.SampleRate);
        Assert.Equal(960, message.AudioMetadata.Length);
    }

    [Fact]
    public void Parses_audio_data_with_participant()
    {
        var pcm = Enumerable.Range(0, 960).Select(i => (byte)i).ToArray();
        using var message = Parse($$$"""{"kind":"AudioData","audioData":{"timestamp":"2024-05-01T12:00:00.000Z","participantRawID":"8:acs:abc","data":"{{{Convert.ToBase64String(pcm)}}}","silent":false}}""");
        Assert.Equal(AcsInboundKind.AudioData, message.Kind);
        Assert.Equal(pcm, message.Audio.Span.ToArray());
        Assert.Equal("8:acs:abc", message.ParticipantRawId);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), message.Timestamp);
        Assert.False(message.IsSilent);
    }

    [Fact]
    public void Parses_audio_data_without_participant_and_with_payload_before_kind()
    {
        using var message = Parse("""{"audioData":{"data":"AQID","silent":false},"kind":"AudioData"}""");
        Assert.Equal(AcsInboundKind.AudioData, message.Kind);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.Audio.Span.ToArray());
        Assert.Null(message.ParticipantRawId);
        Assert.Null(message.Timestamp);
    }

    [Theory]
    [InlineData("""{"kind":"AudioData","audioData":{"timestamp":"2024-05-01T12:00:00.000Z","data":"","silent":true}}""")]
    [InlineData("""{"kind":"AudioData","audioData":{"timestamp":"2024-05-01T12:00:00.000Z","silent":true}}""")]
    [InlineData("""{"kind":"AudioData","audioData":{"data":null,"silent":true}}""")]
    public void Empty_or_missing_data_is_a_silent_empty_frame(string json)
    {
        using var message = Parse(json);
        Assert.Equal(AcsInboundKind.AudioData, message.Kind);
        Assert.Equal(0, message.Audio.Length);
        Assert.True(message.IsSilent);
    }

    [Fact]
    public void Escaped_base64_characters_are_unescaped()
    {
        // 0xFB 0xFF 0xBF encodes to "+/+/"; a JSON writer may escape '+' as \u002B.
        using var message = Parse("""{"kind":"AudioData","audioData":{"data":"\u002B/\u002B/","silent":false}}""");
        Assert.Equal(Convert.FromBase64String("+/+/"), message.Audio.Span.ToArray());
    }

    [Fact]
    public void Parses_dtmf_data()
    {
        using var message = Parse("""{"kind":"DtmfData","dtmfData":{"data":"3"}}""");
        Assert.Equal(AcsInboundKind.DtmfData, message.Kind);
        Assert.Equal("3", message.DtmfTone);
    }

    [Fact]
    public void Unknown_kind_is_reported_not_thrown()
    {
        using var message = Parse("""{"kind":"MarkData","markData":{"id":"m1","status":"completed"}}""");
        Assert.Equal(AcsInboundKind.Unknown, message.Kind);
        Assert.Equal("MarkData", message.RawKind);
    }

    [Fact]
    public void Transcription_kinds_are_recognised()
    {
        using var message = Parse("""{"kind":"TranscriptionData","transcriptionData":{"text":"hi","words":[]}}""");
        Assert.Equal(AcsInboundKind.TranscriptionData, message.Kind);
    }

    [Theory]
    [InlineData("""{"kind":"AudioData","audioData":{"data":"not*base64!","silent":false}}""", "base64")]
    [InlineData("not json at all", "JSON")]
    [InlineData("""{"kind":"AudioData","audioData":{"data":"AQID" """, "JSON")]
    [InlineData("""{"audioData":{"data":"AQID"}}""", "kind")]
    [InlineData("""{"Kind":"AudioData","audioData":{"data":"AQID"}}""", "kind")]
    [InlineData("""[1,2]""", "object")]
    [InlineData("""{"kind":42}""", "kind")]
    [InlineData("""{"kind":"New\uD800"}""", "Unicode")]
    [InlineData("""{"kind":"DtmfData","dtmfData":{"data":"5","participantRawID":"4:\uDC00"}}""", "Unicode")]
    public void Malformed_frames_throw_a_log_safe_reason(string json, string reasonWord)
    {
        var error = Assert.Throws<AcsMediaFormatException>(() => Parse(json));
        Assert.Contains(reasonWord, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AQID", error.Message);
    }

    [Fact]
    public void Writes_audio_data_in_the_documented_form()
    {
        var pcm = new byte[] { 0, 1, 2, 250, 251, 252 };
        var output = new ArrayBufferWriter<byte>();
        var written = AcsMediaStreamCodec.WriteAudioData(pcm, output);
        var expected = $$"""{"Kind":"AudioData","AudioData":{"Data":"{{Convert.ToBase64String(pcm)}}"},"StopAudio":null}""";
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(Encoding.UTF8.GetByteCount(expected), written);
    }

    [Fact]
    public void Writes_stop_audio_bytes()
    {
        Assert.Equal("""{"Kind":"StopAudio","AudioData":null,"StopAudio":{}}""", Encoding.UTF8.GetString(AcsMediaStreamCodec.StopAudio.Span));
    }

    [Fact]
    public void Written_audio_round_trips_through_a_960_byte_frame()
    {
        var pcm = Enumerable.Range(0, 960).Select(i => (byte)(i * 7)).ToArray();
        var output = new ArrayBufferWriter<byte>();
        AcsMediaStreamCodec.WriteAudioData(pcm, output);
        using var document = System.Text.Json.JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal(pcm, document.RootElement.GetProperty("AudioData").GetProperty("Data").GetBytesFromBase64());
    }
}
