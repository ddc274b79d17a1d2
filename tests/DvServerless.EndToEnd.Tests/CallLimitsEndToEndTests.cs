using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Realtime;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// A caller who says nothing, on the real stack (Azurite, both apps, the ACS and Realtime simulators), with short silence
/// settings: the model gets the worker's "are you still there?" note and answers it, the caller then hears the goodbye to
/// its end, the worker hangs the call up through the Functions app and ACS, and the session says the caller was silent.
/// </summary>
public sealed class CallLimitsEndToEndTests
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
}
