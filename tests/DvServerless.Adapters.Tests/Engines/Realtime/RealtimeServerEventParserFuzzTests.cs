using System.Text.Json;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>
/// Hostile Realtime server frames: the parser maps them to events or refuses them with <see cref="JsonException"/> (the
/// engine logs and drops the frame), never another exception; a refused frame adds no event to the list.
/// </summary>
public sealed class RealtimeServerEventParserFuzzTests
{
    private static readonly string[] Frames =
    [
        """{"type":"response.output_audio.delta","event_id":"e1","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"AAAA"}""",
        """{"type":"response.output_audio_transcript.delta","response_id":"r1","item_id":"i1","delta":"Hel"}""",
        """{"type":"response.output_audio_transcript.done","response_id":"r1","item_id":"i1","transcript":"Hello"}""",
        """{"type":"input_audio_buffer.speech_started","audio_start_ms":1000,"item_id":"i2"}""",
        """{"type":"input_audio_buffer.speech_stopped","audio_end_ms":2000,"item_id":"i2"}""",
        """{"type":"input_audio_buffer.dtmf_event_received","event":"5","received_at":1}""",
        """{"type":"conversation.item.input_audio_transcription.completed","item_id":"i2","transcript":"hi","usage":{"type":"duration","seconds":1.5}}""",
        """{"type":"conversation.item.input_audio_transcription.completed","item_id":"i2","transcript":"hi","usage":{"type":"tokens","total_tokens":12}}""",
        """{"type":"response.created","response":{"id":"r1","status":"in_progress"}}""",
        """{"type":"response.done","response":{"id":"r1","status":"completed","status_details":{"reason":"x"},"output":[{"type":"function_call","status":"completed","call_id":"c1","name":"f","arguments":"{}"}],"usage":{"input_token_details":{"text_tokens":1,"audio_tokens":2,"cached_tokens":0},"output_token_details":{"text_tokens":3,"audio_tokens":4}}}}""",
        """{"type":"output_audio_buffer.started","response_id":"r1"}""",
        """{"type":"output_audio_buffer.cleared","response_id":"r1"}""",
        """{"type":"conversation.item.truncated","item_id":"i1","content_index":0,"audio_end_ms":1500}""",
        """{"type":"response.function_call_arguments.done","call_id":"c1","name":"f","arguments":"{}"}""",
        """{"type":"error","error":{"type":"invalid_request_error","code":"x","message":"bad","event_id":"c9"}}""",
    ];

    [Fact]
    public void Frames_fail_only_with_JsonException_add_nothing_when_refused_and_bounded_allocation()
    {
        Fuzz.Check(HostileJson.Variants(Frames), frame =>
        {
            var events = new List<EngineEvent>();
            Fuzz.WithinAllocation(Fuzz.LinearBound(frame.Length), () =>
            {
                if (Fuzz.Fails(() => RealtimeServerEventParser.Parse(frame, events, out _), typeof(JsonException)))
                {
                    Assert.Empty(events);
                }

                Fuzz.Fails(() => RealtimeServerEventParser.ErrorClientEventId(frame), typeof(JsonException));
            });
        }, HostileJson.Print);
    }
}
