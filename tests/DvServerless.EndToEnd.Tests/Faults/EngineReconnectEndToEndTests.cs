using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Realtime;
using DvServerless.Testing;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests.Faults;

/// <summary>
/// The engine's WebSocket drops mid-call, end to end: the Realtime simulator aborts the first session's socket right after
/// the agent's first answer, the worker reconnects with the conversation replayed, and the caller's second question gets
/// its answer in the same call, with every turn on the call's timeline.
/// </summary>
public sealed class EngineReconnectEndToEndTests(ITestOutputHelper output)
{
    private static readonly string[] Utterances = ["I need to change my booking.", "The fifth of May, please."];

    [SkippableFact]
    public async Task A_dropped_engine_socket_is_reconnected_and_the_call_goes_on_with_the_conversation_replayed()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        // The pause is the caller's silence between the questions; the reconnect happens in it (≈ 0.2 s backoff + connect).
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(Utterances, TimeSpan.FromSeconds(6), AudioFormat.Pcm24k, timeout.Token);
        var logs = new CapturingLoggerProvider();
        await using var stack = await LocalStack.StartAsync(TestStacks.Options(Utterances, (turn, heard) => $"Answer {turn} to: {heard}") with
        {
            LogSink = logs,
            RealtimeConnectionDrop = new RealtimeConnectionDrop { AfterResponses = 1 },
        }, _ => { }, timeout.Token);
        var realtime = stack.Realtime!;

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(60),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3),
        }, timeout.Token);

        // The simulator reports the drop, then the worker's second session.
        await realtime.Records.WaitForAsync(r => r.Drops.Count == 1 && r.Sessions.Count == 2, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);

        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.True(result.MediaConnected, result.MediaConnectError);
        var drop = Assert.Single(realtime.Records.Drops);
        var sessions = realtime.Records.Sessions;
        Assert.Equal(2, sessions.Count);
        Assert.Equal(sessions[0].SessionId, drop.SessionId);
        // The new session was told the conversation so far.
        Assert.Contains(Utterances[0], sessions[1].EffectiveConfigurationJson, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.Contains("the engine reconnected on attempt", StringComparison.Ordinal));

        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        Assert.Equal(CallState.Ended, (await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token)).State);
        var turns = (await stack.Records.ReadAsync(callId, timeout.Token)).Where(r => r.Kind == "turn").OrderBy(r => r.StartMs).ToList();
        Assert.Equal(
            [("caller", Utterances[0]), ("agent", $"Answer 0 to: {Utterances[0]}"), ("caller", Utterances[1]), ("agent", $"Answer 1 to: {Utterances[1]}")],
            turns.Select(t => (t.Speaker, t.Text)).ToArray());
        // The second question is on the call's timeline, after the pause, not at the new session's own 0 ms.
        Assert.True(turns[2].StartMs - turns[0].StartMs >= 6000, $"caller turns at {turns[0].StartMs} and {turns[2].StartMs} ms");

        var reconnect = sessions[1].StartedAt - drop.DroppedAt;
        output.WriteLine($"engine socket dropped at {drop.DroppedAt:HH:mm:ss.fff}; new session {reconnect.TotalMilliseconds:F0} ms later; " +
            $"caller turns at {turns[0].StartMs} and {turns[2].StartMs} ms");
    }
}
