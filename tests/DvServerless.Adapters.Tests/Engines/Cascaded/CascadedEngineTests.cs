using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.Core.Speech;
using DvServerless.Core.Tts;
using DvServerless.Testing.Cascaded;
using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Tests.Engines.Cascaded;

public sealed class CascadedEngineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_first_sentence_is_spoken_while_the_model_still_writes_and_events_come_in_the_realtime_order()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        var rest = new TaskCompletionSource();
        var script = h.Chat.Enqueue(new ChatScript().Text("Sure, ").Text("I can help. ").WaitFor(rest.Task).Text("What is your order number?").Usage(50, 12));

        h.Recognition.Say("I need help with my order", 0, 1800);

        var firstAudio = await h.WaitForAsync<AgentAudioDelta>();
        Assert.Single(h.Tts.Requests);
        Assert.Equal("Sure, I can help.", h.Tts.Requests[0].Text);
        Assert.False(script.Finished.Task.IsCompleted, "the first sentence must be spoken before the model has finished");

        rest.SetResult();
        var finished = await h.WaitForAsync<ResponseFinished>();
        await h.WaitForAsync<EngineUsageReported>(count: 2);

        Assert.Equal("completed", finished.Status);
        Assert.Equal(["Sure, I can help.", "What is your order number?"], h.Tts.Requests.Select(r => r.Text));
        Assert.All(h.Tts.Requests, r => Assert.Equal(AudioFormat.Pcm16k, r.OutputFormat));
        Assert.Equal(
            ["CallerSpeechStarted", "CallerSpeechStopped", "CallerTranscript", "ResponseStarted", "AgentTranscriptDelta", "AgentAudioDelta",
             "AgentTranscriptDelta", "AgentAudioDelta", "AgentTranscriptDone", "ResponseFinished", "EngineUsageReported"],
            Collapse(h.Events.Select(e => e.GetType().Name)));

        var events = h.Events;
        var caller = Assert.Single(events.OfType<CallerTranscript>());
        Assert.Equal("I need help with my order", caller.Text);
        Assert.Equal(1800, Assert.Single(events.OfType<CallerSpeechStopped>()).AudioEndMs);
        Assert.Equal(caller.ItemId, Assert.Single(events.OfType<CallerSpeechStarted>()).ItemId);
        var done = Assert.Single(events.OfType<AgentTranscriptDone>());
        Assert.Equal("Sure, I can help. What is your order number?", done.Transcript);
        Assert.Equal(done.Transcript, string.Concat(events.OfType<AgentTranscriptDelta>().Select(d => d.Delta)));
        var audio = events.OfType<AgentAudioDelta>().ToList();
        Assert.All(audio, a => Assert.Equal((finished.ResponseId, done.ItemId, 0), (a.ResponseId, a.ItemId, a.ContentIndex)));
        Assert.Equal(h.Tts.AudioBytes(done.Transcript.Length - 1), audio.Sum(a => a.Audio.Length));
        Assert.Equal(firstAudio, audio[0]);

        var usage = events.OfType<EngineUsageReported>().ToList();
        Assert.Equal(("test-model", 1, 50L, 12L), (usage[0].Model, usage[0].Usage.Responses, usage[0].Usage.InputTextTokens, usage[0].Usage.OutputTextTokens));
        Assert.Equal(("fake-tts-1", (long)done.Transcript.Length - 1), (usage[1].Model, usage[1].Usage.TtsCharacters));

        var (messages, options) = Assert.Single(h.Chat.Requests);
        Assert.Equal([(ChatRole.System, "Be brief."), (ChatRole.User, "I need help with my order")], messages.Select(m => (m.Role, m.Text)));
        Assert.Equal(("test-model", (int?)120), (options!.ModelId, options.MaxOutputTokens));
        Assert.Contains(options.Tools!, t => t.Name == CascadedTools.EndCallName);
    }

    [Fact]
    public async Task The_caller_speaking_cancels_the_model_and_the_speech_in_flight()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        var never = new TaskCompletionSource();
        h.Tts.HoldAfterFirstChunk = never.Task;
        var script = h.Chat.Enqueue(new ChatScript().Text("Let me read you the whole policy. ").WaitFor(never.Task).Text("Section one."));
        h.Recognition.Say("What is the policy?");
        await h.WaitForAsync<AgentAudioDelta>();

        h.Recognition.Emit(new SpeechStarted(TimeSpan.FromMilliseconds(2500)));

        await script.CancellationObserved.Task.WaitAsync(Wait);
        await h.Tts.CancellationObserved.Task.WaitAsync(Wait);
        var finished = await h.WaitForAsync<ResponseFinished>();
        Assert.Equal(("cancelled", "turn_detected"), (finished.Status, finished.Reason));
        var bargeIn = await h.WaitForAsync<CallerSpeechStarted>(count: 2);
        Assert.Equal(2500, bargeIn.AudioStartMs);
        Assert.Empty(h.Events.OfType<AgentTranscriptDone>());
        Assert.True(h.Events.ToList().IndexOf(bargeIn) < h.Events.ToList().IndexOf(finished), "the barge-in cue comes first");
    }

    [Fact]
    public async Task A_truncate_cuts_the_agent_message_to_the_words_heard_and_the_next_request_carries_that()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        h.Chat.Enqueue(new ChatScript().Text("One two three four. Five six seven eight nine ten."));
        h.Recognition.Say("Count for me.");
        var finished = await h.WaitForAsync<ResponseFinished>();
        var item = Assert.Single(h.Events.OfType<AgentTranscriptDone>()).ItemId;

        // 10 ms of speech per character: the first piece (19 characters) played fully, the second (30) half.
        await h.Engine.TruncateAsync(item, 0, 190 + 150, CancellationToken.None);
        var truncated = await h.WaitForAsync<AgentItemTruncated>();
        h.Recognition.Say("And then?", 5000, 5800);
        await h.WaitForAsync<ResponseFinished>(count: 2);

        Assert.Equal("completed", finished.Status);
        Assert.Equal((item, 340), (truncated.ItemId, truncated.AudioEndMs));
        var second = h.Chat.Requests[1].Messages;
        Assert.Equal(
            [(ChatRole.System, "Be brief."), (ChatRole.User, "Count for me."), (ChatRole.Assistant, "One two three four. Five six seven"), (ChatRole.User, "And then?")],
            second.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task A_tool_call_is_handed_to_the_loop_and_its_result_continues_the_answer()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        h.Chat.Enqueue(new ChatScript().Text("Let me check. ").Call("call_1", "lookup_order", new Dictionary<string, object?> { ["id"] = "42" }));
        h.Chat.Enqueue(new ChatScript().Text("It ships tomorrow."));
        h.Recognition.Say("Where is order 42?");

        var tool = await h.WaitForAsync<ToolCallRequested>();
        var first = await h.WaitForAsync<ResponseFinished>();
        Assert.Equal(("call_1", "lookup_order", "{\"id\":\"42\"}"), (tool.CallId, tool.Name, tool.ArgumentsJson));
        Assert.Equal("completed", first.Status);
        Assert.True(h.Events.ToList().IndexOf(tool) < h.Events.ToList().IndexOf(first), "the tool call comes before the end of its response");
        Assert.Single(h.Chat.Requests);

        await h.Engine.SendToolResultAsync("call_1", "{\"status\":\"shipped\"}", CancellationToken.None);
        var second = await h.WaitForAsync<ResponseFinished>(count: 2);

        Assert.Equal("completed", second.Status);
        Assert.Equal(["Let me check.", "It ships tomorrow."], h.Tts.Requests.Select(r => r.Text));
        var messages = h.Chat.Requests[1].Messages;
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(messages[^2].Contents, c => c is FunctionCallContent));
        Assert.Equal((ChatRole.Assistant, "call_1", "Let me check."), (messages[^2].Role, call.CallId, messages[^2].Text));
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(messages[^1].Contents));
        Assert.Equal((ChatRole.Tool, "call_1", "{\"status\":\"shipped\"}"), (messages[^1].Role, result.CallId, result.Result));
    }

    [Fact]
    public async Task A_failed_model_reports_an_error_and_the_next_turn_is_answered()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        h.Chat.Enqueue(new ChatScript().Fail(new HttpRequestException("503 Service Unavailable")));
        h.Chat.Enqueue(new ChatScript().Text("I am back."));
        h.Recognition.Say("Hello?");

        var failed = await h.WaitForAsync<ResponseFinished>();
        var error = await h.WaitForAsync<EngineError>();
        h.Recognition.Say("Hello again?", 3000, 3500);
        var next = await h.WaitForAsync<ResponseFinished>(count: 2);

        Assert.Equal(("failed", "llm_failed"), (failed.Status, failed.Reason));
        Assert.Equal("llm_failed", error.Code);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Equal("completed", next.Status);
        Assert.Equal(["I am back."], h.Tts.Requests.Select(r => r.Text));
    }

    [Fact]
    public async Task A_failed_voice_reports_an_error_and_fails_the_response()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        h.Tts.FailWith = new TextToSpeechException("fake-tts", "quota exceeded");
        h.Chat.Enqueue(new ChatScript().Text("You will not hear this."));
        h.Recognition.Say("Hello?");

        var finished = await h.WaitForAsync<ResponseFinished>();
        var error = await h.WaitForAsync<EngineError>();

        Assert.Equal(("failed", "tts_failed"), (finished.Status, finished.Reason));
        Assert.Equal("tts_failed", error.Code);
        Assert.Empty(h.Events.OfType<AgentAudioDelta>());
    }

    [Fact]
    public async Task A_recognition_that_fails_is_reopened_and_the_engine_closes_when_it_keeps_failing()
    {
        await using var h = await new CascadedEngineHarness(new CascadedEngineOptions { MaxSpeechToTextRestarts = 1 }).StartAsync();
        var first = h.Recognition;

        first.Emit(new SpeechRecognitionError("socket closed", Fatal: true));
        await CascadedEngineHarness.Eventually(() => h.Stt.Recognitions.Count == 2, "a second recognition");
        await h.Engine.SendAudioAsync(new byte[640], CancellationToken.None);
        h.Stt.Current.End();
        var closed = await h.WaitForAsync<EngineClosed>();

        Assert.True(first.Disposed);
        Assert.Equal(640, h.Stt.Recognitions[1].ReceivedAudio.Length);
        Assert.Equal(2, h.Events.OfType<EngineError>().Count(e => e.Code == "stt_failed"));
        Assert.Contains("fake-stt", closed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_audio_is_converted_to_the_recognizer_rate_and_speech_asked_for_at_the_engine_rate()
    {
        await using var h = await new CascadedEngineHarness(new CascadedEngineOptions { SampleRate = 24_000 }).StartAsync();
        h.Chat.Enqueue(new ChatScript().Text("Hi."));

        await h.Engine.SendAudioAsync(new byte[AudioFormat.Pcm24k.FrameBytes(20)], CancellationToken.None);
        h.Recognition.Say("Hi");
        await h.WaitForAsync<ResponseFinished>();

        Assert.Equal(AudioFormat.Pcm24k, h.Engine.AudioFormat);
        Assert.Equal(AudioFormat.Pcm16k.FrameBytes(20), h.Recognition.ReceivedAudio.Length);
        Assert.Equal(AudioFormat.Pcm24k, Assert.Single(h.Tts.Requests).OutputFormat);
    }

    [Fact]
    public async Task An_engine_at_the_recognizer_rate_passes_caller_audio_through()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        var frame = Enumerable.Range(0, 640).Select(i => (byte)i).ToArray();

        await h.Engine.SendAudioAsync(frame, CancellationToken.None);

        Assert.Equal(AudioFormat.Pcm16k, h.Engine.AudioFormat);
        Assert.Equal(frame, h.Recognition.ReceivedAudio);
        Assert.Equal("cascaded:fake-stt+scripted/test-model+fake-tts", h.Engine.Name);
    }

    [Fact]
    public async Task A_greeting_before_the_caller_spoke_sends_its_instructions_as_the_user_message()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();

        await h.Engine.CreateResponseAsync("Greet the caller.", CancellationToken.None);
        await h.WaitForAsync<ResponseFinished>();

        Assert.Equal([(ChatRole.System, "Be brief."), (ChatRole.User, "Greet the caller.")], h.Chat.Requests[0].Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task The_history_keeps_the_last_turns_only()
    {
        await using var h = await new CascadedEngineHarness(new CascadedEngineOptions { HistoryTurns = 2 }).StartAsync();
        for (var turn = 1; turn <= 3; turn++)
        {
            h.Recognition.Say($"Turn {turn}.", turn * 2000, turn * 2000 + 500);
            await h.WaitForAsync<ResponseFinished>(count: turn);
        }

        Assert.Equal(
            [(ChatRole.System, "Be brief."), (ChatRole.User, "Turn 2."), (ChatRole.Assistant, "Okay."), (ChatRole.User, "Turn 3.")],
            h.Chat.Requests[2].Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task Typed_text_interrupts_the_answer_in_progress_and_is_answered()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        var never = new TaskCompletionSource();
        var slow = h.Chat.Enqueue(new ChatScript().WaitFor(never.Task));
        h.Chat.Enqueue(new ChatScript().Text("Typed answer."));
        await h.Engine.CreateResponseAsync(null, CancellationToken.None);
        await h.WaitForAsync<ResponseStarted>();

        await h.Engine.SendUserTextAsync("I typed this", CancellationToken.None);

        await slow.CancellationObserved.Task.WaitAsync(Wait);
        var second = await h.WaitForAsync<ResponseFinished>(count: 2);
        Assert.Equal("completed", second.Status);
        Assert.Equal((ChatRole.User, "I typed this"), (h.Chat.Requests[1].Messages[^1].Role, h.Chat.Requests[1].Messages[^1].Text));
    }

    [Fact]
    public async Task A_system_note_joins_the_history_as_a_system_message_and_is_answered_when_asked()
    {
        await using var h = await new CascadedEngineHarness().StartAsync();
        h.Chat.Enqueue(new ChatScript().Text("Sorry, the transfer did not work."));

        await h.Engine.SendSystemNoteAsync("Quiet note.", respond: false, CancellationToken.None);
        await h.Engine.SendSystemNoteAsync("The transfer you started failed.", respond: true, CancellationToken.None);

        Assert.Equal("completed", (await h.WaitForAsync<ResponseFinished>()).Status);
        var request = Assert.Single(h.Chat.Requests);
        Assert.Equal([(ChatRole.System, "Quiet note."), (ChatRole.System, "The transfer you started failed.")],
            request.Messages.Skip(request.Messages.Count - 2).Select(m => (m.Role, m.Text)));
        Assert.DoesNotContain(request.Messages, m => m.Role == ChatRole.User);
    }

    /// <summary>The sequence with runs of the same name collapsed to one.</summary>
    private static List<string> Collapse(IEnumerable<string> names)
    {
        var collapsed = new List<string>();
        foreach (var name in names)
        {
            if (collapsed.Count == 0 || collapsed[^1] != name)
            {
                collapsed.Add(name);
            }
        }

        return collapsed;
    }
}
