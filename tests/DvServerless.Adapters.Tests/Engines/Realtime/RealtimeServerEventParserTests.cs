using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>Server frames of the right type but the wrong shape: read leniently or refused as JSON, never a crash of the receive loop.</summary>
public sealed class RealtimeServerEventParserTests
{
    [Fact]
    public void Response_created_whose_response_is_not_an_object_starts_a_response_without_id()
    {
        var events = new List<EngineEvent>();
        Assert.Equal("response.created", Parse("""{"type":"response.created","response":"r1"}""", events, out _));
        Assert.Equal(string.Empty, Assert.IsType<ResponseStarted>(Assert.Single(events)).ResponseId);
    }

    [Fact]
    public void Transcription_seconds_that_are_not_a_number_count_as_zero()
    {
        var events = new List<EngineEvent>();
        Parse("""{"type":"conversation.item.input_audio_transcription.completed","item_id":"i","transcript":"hi","usage":{"type":"duration","seconds":"1.5"}}""", events, out var usage);
        Assert.Equal(0, usage!.TranscriptionSeconds);
        Assert.Equal("hi", Assert.IsType<CallerTranscript>(Assert.Single(events)).Text);
    }

    [Fact]
    public void An_audio_delta_that_is_not_base64_is_empty_audio_and_an_error()
    {
        var events = new List<EngineEvent>();
        Parse("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","content_index":0,"delta":"not*base64!"}""", events, out _);

        Assert.Equal(2, events.Count);
        Assert.True(Assert.IsType<AgentAudioDelta>(events[0]).Audio.IsEmpty);
        Assert.Equal("invalid_audio_delta", Assert.IsType<EngineError>(events[1]).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void An_empty_audio_delta_is_no_error(string delta)
    {
        var events = new List<EngineEvent>();
        Parse($$"""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","content_index":0,"delta":"{{delta}}"}""", events, out _);

        Assert.True(Assert.IsType<AgentAudioDelta>(Assert.Single(events)).Audio.IsEmpty);
    }

    [Fact]
    public void A_failed_caller_transcription_is_reported_with_its_item_and_message()
    {
        var events = new List<EngineEvent>();
        // The shape of the GA schema's example (error.type, code, message, param).
        Parse("""{"event_id":"event_2324","type":"conversation.item.input_audio_transcription.failed","item_id":"msg_003","content_index":0,"error":{"type":"transcription_error","code":"audio_unintelligible","message":"The audio could not be transcribed.","param":null}}""", events, out var usage);

        Assert.Equal(new CallerTranscriptFailed("msg_003", "The audio could not be transcribed."), Assert.Single(events));
        Assert.Null(usage);
    }

    [Fact]
    public void A_failed_caller_transcription_without_a_message_has_no_reason()
    {
        var events = new List<EngineEvent>();
        Parse("""{"type":"conversation.item.input_audio_transcription.failed","item_id":"msg_004","content_index":0,"error":{}}""", events, out _);

        Assert.Equal(new CallerTranscriptFailed("msg_004", null), Assert.Single(events));
    }

    [Fact]
    public void Transcription_seconds_beyond_a_double_count_as_zero_not_infinity()
    {
        Parse("""{"type":"conversation.item.input_audio_transcription.completed","item_id":"i","transcript":"hi","usage":{"type":"duration","seconds":1e400}}""", [], out var usage);
        Assert.Equal(0, usage!.TranscriptionSeconds);
    }

    [Fact]
    public void A_lone_surrogate_is_a_JsonException_and_adds_no_event()
    {
        var events = new List<EngineEvent>();
        Assert.Throws<JsonException>(() => Parse("""{"type":"response.output_audio_transcript.done","response_id":"r","item_id":"i","transcript":"a\uD800"}""", events, out _));
        Assert.Empty(events);
    }

    private static string? Parse(string json, List<EngineEvent> events, out EngineUsage? usage) =>
        RealtimeServerEventParser.Parse(Encoding.UTF8.GetBytes(json), events, out usage);
}
