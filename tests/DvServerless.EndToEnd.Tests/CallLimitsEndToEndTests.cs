using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Realtime;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// A caller who says nothing, on the real stack (Azurite, both apps, the ACS and Realtime simulators), with short silence
/// settings: the model gets the worker's "are you still there?" note and answers it, the caller then hears the goodbye to
/// its end, the worker hangs the call up through the Functions app and ACS, and the session says the caller was silent.
/// </summary>
public sealed class CallLimitsEndToEndTests(ITestOutputHelper output)
{
    private const string Goodbye = "I have not heard from you, so I will end the call now. Goodbye.";

    [SkippableFact]
    public async Task A_silent_caller_is_asked_whether_they_are_there_then_hears_the_goodbye_and_is_hung_up_as_caller_silent()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var stack = await LocalStack.StartAsync(TestStacks.Options([], (_, _) => "Sure.") with
        {
            AppSettings = new Dictionary<string, string?>
            {
                ["Agent:Silence:PromptAfterSeconds"] = "2",
                ["Agent:Silence:Prompts"] = "1",
                ["Agent:Silence:Goodbye"] = Goodbye,
            },
        }, _ => { }, timeout.Token);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            // Half a second of digital silence, then nothing: the caller never speaks and would stay on for a minute.
            CallerAudio = new byte[AudioFormat.Pcm24k.BytesPerMillisecond * 500],
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(60),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(60),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);
        output.WriteLine($"silent caller (prompt after 2 s, 1 prompt): hung up {started.Elapsed.TotalSeconds:F1} s after the call was placed");

        // Only the worker could end this call this soon.
        Assert.Equal(SimulatedCallOutcome.AppHungUp, result.Outcome);
        Assert.Empty(result.ProtocolErrors);

        // The model got the fixed note as a system message (never caller words) and its next response answered it.
        var transcripts = stack.Realtime!.Records.Transcripts;
        var note = Assert.Single(transcripts, t => t.Role == "system");
        Assert.Equal(CallLimits.SilenceNote, note.Text);
        Assert.Contains(transcripts.SkipWhile(t => t != note).Skip(1), t => t.Role == "assistant" && t.Text == RealtimeSimulatorOptions.DefaultSystemNoteReply);
        Assert.DoesNotContain(transcripts, t => t.Role == "user");

        // The caller's last words from the agent were the goodbye, heard to the end (not cut by a StopAudio).
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        var records = await stack.Records.ReadAsync(callId, timeout.Token);
        var last = records.Last(r => r.Kind == "turn" && r.Speaker == "agent");
        Assert.Equal(Goodbye, last.Text);
        Assert.False(last.Interrupted);
        Assert.False(result.Segments[^1].EndedByStopAudio);

        // The session says why it ended, whichever end (the worker's, ACS's CallDisconnected) got there first.
        var expected = CallLimitEndReasons.SessionReason(CallEndReason.CallerSilent);
        await TestStacks.UntilAsync(async () => (await stack.Sessions.GetAsync(callId, timeout.Token))?.EndReason == expected, timeout.Token);
        var session = await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Contains(await stack.Records.ReadAsync(callId, timeout.Token), r => r.Kind == "call-end" && r.Text == nameof(CallEndReason.CallerSilent));
    }

    [SkippableFact]
    public async Task A_call_that_reaches_MaxCallMinutes_hears_the_time_limit_goodbye_and_is_hung_up_as_time_limit()
    {
        Prerequisites.Require();
        const string timeUp = "That is all the time we have for this call. Goodbye.";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var stack = await LocalStack.StartAsync(TestStacks.Options([], (_, _) => "Sure.") with
        {
            AppSettings = new Dictionary<string, string?>
            {
                // Six seconds, and no silence handling: only the time limit can end the call.
                ["Agent:MaxCallMinutes"] = "0.1",
                ["Agent:TimeLimitGoodbye"] = timeUp,
                ["Agent:Silence:PromptAfterSeconds"] = "0",
            },
        }, _ => { }, timeout.Token);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = new byte[AudioFormat.Pcm24k.BytesPerMillisecond * 500],
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(60),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(60),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);
        var lasted = started.Elapsed;
        output.WriteLine($"time limit 6 s: hung up {lasted.TotalSeconds:F1} s after the call was placed");

        Assert.Equal(SimulatedCallOutcome.AppHungUp, result.Outcome);
        Assert.True(lasted >= TimeSpan.FromSeconds(6), $"the call was hung up after {lasted.TotalSeconds:F1} s, before its 6 s limit");
        Assert.DoesNotContain(stack.Realtime!.Records.Transcripts, t => t.Role == "system");
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        var last = (await stack.Records.ReadAsync(callId, timeout.Token)).Last(r => r.Kind == "turn" && r.Speaker == "agent");
        Assert.Equal(timeUp, last.Text);
        var expected = CallLimitEndReasons.SessionReason(CallEndReason.TimeLimit);
        await TestStacks.UntilAsync(async () => (await stack.Sessions.GetAsync(callId, timeout.Token))?.EndReason == expected, timeout.Token);
    }
}
