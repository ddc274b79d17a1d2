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
/// the agent's first answer (or in the middle of it), the worker reconnects with the conversation replayed, and the call
/// goes on in the same call, with every turn on the call's timeline.
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
        await using var dropped = await CallThroughADropAsync(TimeSpan.FromSeconds(6), new RealtimeConnectionDrop { AfterResponses = 1 }, timeout.Token);
        var (stack, logs, result) = (dropped.Stack, dropped.Logs, dropped.Result);
        var realtime = stack.Realtime!;

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

    [SkippableFact]
    public async Task A_drop_while_the_agent_speaks_keeps_what_was_said_and_the_agent_goes_on_after_a_short_silence()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        // A long pause after the first question: the agent is cut off, resumes and finishes well before the second.
        // The first answer is about 2.5 s of speech produced at 4× real time. 150 ms in, a few hundred ms of it (a word
        // or none, as the machine's load has it) has been sent: less than the reconnect takes, so the caller hears the
        // gap the reconnect leaves rather than buffered speech covering it.
        await using var dropped = await CallThroughADropAsync(
            TimeSpan.FromSeconds(8), new RealtimeConnectionDrop { DuringResponse = 1, IntoResponse = TimeSpan.FromMilliseconds(150) }, timeout.Token);
        var (stack, logs, result) = (dropped.Stack, dropped.Logs, dropped.Result);
        var realtime = stack.Realtime!;

        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.True(result.MediaConnected, result.MediaConnectError);
        var drop = Assert.Single(realtime.Records.Drops);
        Assert.StartsWith("150 ms into response 1", drop.Trigger, StringComparison.Ordinal);
        var sessions = realtime.Records.Sessions;
        Assert.Equal(2, sessions.Count);
        // The first answer never finished in the first session; the second session answered at once, unasked by the caller.
        Assert.DoesNotContain(realtime.Records.Responses, r => r.SessionId == sessions[0].SessionId);
        var resumed = realtime.Records.Responses.Where(r => r.SessionId == sessions[1].SessionId && r.Status == "completed").ToList();
        Assert.True(resumed.Count == 2, string.Join(" | ", resumed.Select(r => r.Text)));
        // The new session was told the question.
        Assert.Contains(Utterances[0], sessions[1].EffectiveConfigurationJson, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.Contains("the new session answers at once", StringComparison.Ordinal));

        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        Assert.Equal(CallState.Ended, (await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token)).State);
        var turns = (await stack.Records.ReadAsync(callId, timeout.Token)).Where(r => r.Kind == "turn").OrderBy(r => r.StartMs).ToList();
        var firstAnswer = $"Answer 0 to: {Utterances[0]}";
        var shown = string.Join(" | ", turns.Select(t => $"{t.StartMs} {t.Speaker}: {t.Text}"));
        var second = turns.FindIndex(t => t.Speaker == "caller" && t.Text == Utterances[1]);
        Assert.True(second >= 2 && second <= 3 && turns.Count == second + 2, shown);
        Assert.Equal(("caller", Utterances[0]), (turns[0].Speaker, turns[0].Text));
        // The agent went on before the caller spoke again, then the call carried on as scripted.
        Assert.Equal(("agent", resumed[0].Text), (turns[second - 1].Speaker, turns[second - 1].Text));
        Assert.Equal(("agent", $"Answer 1 to: {Utterances[1]}"), (turns[second + 1].Speaker, turns[second + 1].Text));
        var cut = second == 3 ? turns[1] : null;
        if (cut?.Text is { Length: > 0 } said)
        {
            // The cut answer is kept as far as it went (a start of the answer, not all of it), and the new session knows.
            Assert.Equal("agent", cut.Speaker);
            Assert.StartsWith(said, firstAnswer, StringComparison.Ordinal);
            Assert.NotEqual(firstAnswer, said);
            Assert.Contains("cut off here by the reconnection", sessions[1].EffectiveConfigurationJson, StringComparison.Ordinal);
        }

        var secondQuestionAt = TimeSpan.FromMilliseconds(turns[second].StartMs);

        // The silence the caller heard: replay the app's audio messages through a playout queue (each plays for its
        // length from when it arrived or when the one before ends) and take the longest silence between the agent's
        // first audio and the caller's second question, which is the drop's.
        var silences = new List<(TimeSpan At, TimeSpan Length)>();
        TimeSpan? playedUntil = null;
        foreach (var message in result.OutboundMessages.Where(m => m.Kind == OutboundMediaKind.AudioData && m.AudioBytes > 0 && m.ArrivedAt < secondQuestionAt))
        {
            var start = playedUntil is { } end && end > message.ArrivedAt ? end : message.ArrivedAt;
            if (playedUntil is { } previous && start > previous)
            {
                silences.Add((previous, start - previous));
            }

            playedUntil = start + TimeSpan.FromMilliseconds(AudioFormat.Pcm24k.DurationMs(message.AudioBytes));
        }

        var gap = silences.Count == 0 ? TimeSpan.Zero : silences.Max(s => s.Length);
        output.WriteLine($"agent cut off after \"{cut?.Text}\"; new session {(sessions[1].StartedAt - drop.DroppedAt).TotalMilliseconds:F0} ms after the drop; " +
            $"longest silence in the agent's audio before the caller spoke again: {gap.TotalMilliseconds:F0} ms " +
            $"(silences: {string.Join(", ", silences.Where(s => s.Length.TotalMilliseconds >= 20).Select(s => $"{s.Length.TotalMilliseconds:F0} ms at {s.At.TotalSeconds:F2} s"))})");
        // Issue 14 aims at about a second; the bound is generous so that a loaded 2-core machine cannot flake it.
        Assert.True(gap <= TimeSpan.FromSeconds(3), $"the caller heard {gap.TotalMilliseconds:F0} ms of silence");
    }

    /// <summary>
    /// Starts a stack whose Realtime simulator drops the engine socket as <paramref name="drop"/> says, places a call that
    /// asks both questions <paramref name="pause"/> apart, waits for the drop and the worker's second session, and returns
    /// the call's result with the stack (disposed by the caller) and its logs.
    /// </summary>
    private static async Task<DroppedCall> CallThroughADropAsync(TimeSpan pause, RealtimeConnectionDrop drop, CancellationToken cancellationToken)
    {
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(Utterances, pause, AudioFormat.Pcm24k, cancellationToken);
        var logs = new CapturingLoggerProvider();
        var stack = await LocalStack.StartAsync(TestStacks.Options(Utterances, (turn, heard) => $"Answer {turn} to: {heard}") with
        {
            LogSink = logs,
            RealtimeConnectionDrop = drop,
        }, _ => { }, cancellationToken);
        try
        {
            var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
            {
                IncomingCallUrl = stack.IncomingCallUrl,
                CallerAudio = caller,
                CallerAudioFormat = AudioFormat.Pcm24k,
                MaxDuration = TimeSpan.FromSeconds(60),
                HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3),
            }, cancellationToken);

            // The simulator reports the drop, then the worker's second session. A wait that runs out says what it saw.
            using (var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                waited.CancelAfter(TimeSpan.FromSeconds(45));
                try
                {
                    await stack.Realtime!.Records.WaitForAsync(r => r.Drops.Count == 1 && r.Sessions.Count == 2, waited.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    var records = stack.Realtime!.Records;
                    throw new TimeoutException(
                        $"no drop and second session within 45 s: drops [{string.Join("; ", records.Drops.Select(d => d.Trigger))}], sessions [" +
                        string.Join("; ", records.Sessions.Select(s => $"{s.SessionId} call={s.CallId} ended={s.EndedAt:HH:mm:ss.fff} {s.CloseReason}")) +
                        "]\n" + string.Join("\n", logs.Messages.TakeLast(80)));
                }
            }

            return new DroppedCall(stack, logs, await call.Completion.WaitAsync(cancellationToken));
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>A finished call through an engine drop, with the stack that ran it.</summary>
    private sealed record DroppedCall(LocalStack Stack, CapturingLoggerProvider Logs, SimulatedCallResult Result) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Stack.DisposeAsync();
    }
}
