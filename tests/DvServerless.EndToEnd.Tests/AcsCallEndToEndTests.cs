using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// The spine, end to end: Azurite, the Functions app, the media worker, the ACS simulator and the Realtime simulator,
/// with a caller who speaks twice and cuts the agent off once.
/// </summary>
public sealed class AcsCallEndToEndTests
{
    [SkippableFact]
    public async Task A_two_turn_call_with_one_barge_in_ends_cleanly_and_truncates_at_what_the_caller_heard()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(DemoConversation.CallerUtterances, DemoConversation.PauseBetweenUtterances, AudioFormat.Pcm24k,
            DemoConversation.LeadingSilence, timeout.Token);

        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = DemoConversation.CallerUtterances,
            AgentReply = DemoConversation.AgentReply,
            Greeting = DemoConversation.Greeting,
            Environment = new Dictionary<string, string?>(), // never a real engine in tests
            ToolsSearchRoot = RepositoryPaths.Root,
        }, _ => { }, timeout.Token);

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(60),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);

        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.Equal(1, result.AnswerCount);
        Assert.Empty(result.ProtocolErrors);
        Assert.True(result.MediaConnected, result.MediaConnectError);

        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        var session = await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Equal(
            [CallState.Answering, CallState.Connected, CallState.Ended],
            session.History.Select(h => h.State).Where(s => s != CallState.Ringing).ToArray());
        Assert.NotNull(session.CallConnectionId);
        Assert.Equal(result.CallConnectionId, session.CallConnectionId);

        // The agent was cut off exactly once, and the truncate matches what the caller's side actually played.
        Assert.Single(result.StopAudios);
        var records = await stack.Records.ReadAsync(callId, timeout.Token);
        var bargeIn = Assert.Single(records, r => r.Kind == "barge-in");
        Assert.NotNull(bargeIn.AudioEndMs);
        var interruptedTurn = Assert.Single(records, r => r.Kind == "turn" && r.Interrupted);
        var nextAgentTurn = records.Where(r => r.Kind == "turn" && r.Speaker == "agent" && r.StartMs > interruptedTurn.StartMs).Min(r => r.StartMs);
        var heard = CallSummaryBuilder.HeardOfItem(result, interruptedTurn.StartMs, nextAgentTurn);
        // Usually within a few ms; the worker cannot know more closely than its playout lead (100 ms, sent ahead of the
        // caller's playback) plus a frame, and a loaded CI machine that delivers a burst late uses that room (107 ms once).
        Assert.InRange(bargeIn.AudioEndMs!.Value, heard - 120, heard + 120);
        Assert.True(bargeIn.AudioEndMs <= bargeIn.ReceivedMs, "audio_end_ms must not exceed what the engine produced");

        var truncation = Assert.Single(stack.Realtime!.Records.Truncations);
        Assert.Equal(bargeIn.AudioEndMs!.Value, truncation.AudioEndMs);
        Assert.True(truncation.Accepted, "the Realtime simulator refused the truncate");

        // Nothing of the interrupted answer reached the caller after StopAudio.
        Assert.Equal(0, CallSummaryBuilder.CountAgentFramesAfterStopAudio(result, records));

        // Two caller turns, an interrupted agent turn and a complete one.
        var turns = records.Where(r => r.Kind == "turn").ToList();
        Assert.Equal(DemoConversation.CallerUtterances, turns.Where(t => t.Speaker == "caller").Select(t => t.Text ?? string.Empty).ToArray());
        var agentTurns = turns.Where(t => t.Speaker == "agent").ToList();
        Assert.Equal(3, agentTurns.Count);
        Assert.Equal((DemoConversation.Greeting, false), (agentTurns[0].Text, agentTurns[0].Interrupted));
        Assert.True(agentTurns[1].Interrupted);
        Assert.False(agentTurns[2].Interrupted);
        Assert.Equal(DemoConversation.AgentReply(1, string.Empty), agentTurns[2].Text);

        // The cached greeting reaches the caller right after the answer, long before any model could speak.
        var answerToFirstAudio = result.MediaStartedAfter!.Value - result.AnsweredAfter!.Value + result.Segments[0].Start;
        Assert.InRange(answerToFirstAudio.TotalMilliseconds, 0, 1500);
        Assert.False(result.Segments[0].EndedByStopAudio);

        // The second answer was heard in full after the barge-in (all its segments: a playout stall can split one).
        Assert.InRange(CallSummaryBuilder.HeardOfItem(result, agentTurns[2].StartMs, null), 1000, 60_000);
    }

    [SkippableFact]
    public async Task A_duplicate_concurrent_event_grid_delivery_answers_once()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(["Hello there."], TimeSpan.Zero, AudioFormat.Pcm24k, timeout.Token);
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = ["Hello there."],
            AgentReply = (_, _) => "Hi!",
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
        }, _ => { }, timeout.Token);

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            Deliveries = 2,
            RedeliveryDelays = [TimeSpan.FromMilliseconds(500)],
            MaxDuration = TimeSpan.FromSeconds(30),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);

        Assert.Equal(1, result.AnswerCount);
        // A copy that lands while the other is still deciding is answered 503 and redelivered, then acknowledged.
        Assert.Equal(2, result.IncomingCallDeliveries.Count(status => status == 200));
        Assert.All(result.IncomingCallDeliveries, status => Assert.Contains(status, new int?[] { 200, 503 }));
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        Assert.Equal(CallState.Ended, (await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token)).State);
    }

    [SkippableFact]
    public async Task Keys_the_caller_presses_reach_the_agent_as_one_entry_and_the_transcript()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = [],
            AgentReply = (_, heard) => heard.Contains("4 2 #", StringComparison.Ordinal) ? "You entered four two." : "Okay.",
            Greeting = string.Empty,
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
        }, _ => { }, timeout.Token);

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            Keypresses = [new('4', TimeSpan.FromSeconds(1)), new('2', TimeSpan.FromSeconds(1.3)), new('#', TimeSpan.FromSeconds(1.6))],
            MaxDuration = TimeSpan.FromSeconds(30),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);

        // The app answered with DTMF tones on, so ACS streamed each key as DtmfData.
        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.Empty(result.ProtocolErrors);
        Assert.Equal(['4', '2', '#'], result.TonesSent);

        // The agent got the three keys as one user message (the # ends the entry) and answered it.
        var user = Assert.Single(stack.Realtime!.Records.Transcripts, t => t.Role == "user");
        Assert.Contains("4 2 #", user.Text, StringComparison.Ordinal);
        Assert.Contains(stack.Realtime.Records.Transcripts, t => t.Role == "assistant" && t.Text == "You entered four two.");

        // The transcript has the entry as a caller line.
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        var records = await stack.Records.ReadAsync(callId, timeout.Token);
        Assert.Contains(records, r => r is { Kind: "turn", Speaker: "caller", Text: "[keypad] 4 2 #" });
    }
}
