using System.Diagnostics;
using System.Text;
using DvServerless.Adapters.Storage;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.Core.Tenants;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests.Faults;

/// <summary>
/// The media worker dies mid-call (SIGKILL: no drain, no goodbye, nothing written after), end to end with the worker as
/// its own process. ACS notices the media socket gone and posts MediaStreamingFailed and CallDisconnected; the Functions
/// app must fail the session (not leave it Connected), keep every transcript segment written before the kill, render
/// the minutes, and free the tenant's concurrent-call slot.
/// </summary>
public sealed class WorkerKillEndToEndTests(ITestOutputHelper output)
{
    private static readonly string[] Utterances = ["I need to change my booking.", "The fifth of May, please."];

    [SkippableFact]
    public async Task A_worker_killed_mid_call_fails_the_call_keeps_its_transcript_renders_the_minutes_and_frees_the_slot()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(Utterances, TimeSpan.FromSeconds(4), AudioFormat.Pcm24k, timeout.Token);
        var workers = new MediaWorkerProcessLauncher();
        await using var stack = await LocalStack.StartAsync(TestStacks.Options(Utterances, (turn, heard) => $"Answer {turn} to: {heard}") with
        {
            CreateTenant = true,
            MediaWorkerLauncher = workers.LaunchAsync,
        }, _ => { }, timeout.Token);
        var counter = stack.FunctionsServices.GetRequiredService<IActiveCallCounter>();

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            // The caller stays on: only the lost media can end this call.
            MaxDuration = TimeSpan.FromSeconds(90),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(90),
        }, timeout.Token);
        await call.WaitForNoteAsync("media connected", timeout.Token);
        await TestStacks.UntilAsync(async () => await counter.CountActiveAsync(LocalStackOptions.LocalTenantId, timeout.Token) == 1, timeout.Token);

        // Kill once both exchanges are in the transcript (written segment by segment as the call goes): the engine's view
        // below then holds four finished turns, so a turn the worker had but never wrote is missed by the minutes check
        // (which looks at the first exchange) and caught by the engine's.
        // The Functions app names the call after its correlation id, as it names every ACS call.
        var sessionId = DvServerless.Functions.Calls.CallIdDerivation.FromValue(call.CorrelationId);
        IReadOnlyList<CallRecordEntry> before = [];
        await TestStacks.UntilAsync(async () =>
        {
            before = await stack.Records.ReadAsync(sessionId, timeout.Token);
            return before.Count(r => r.Kind == "turn" && r.Speaker == "agent") == 2;
        }, timeout.Token);
        Assert.Equal(CallState.Connected, (await stack.Sessions.GetAsync(sessionId, timeout.Token))!.State);
        // What the engine had finished when the worker died, from the engine's side (not from what the worker stored):
        // the caller's transcribed turns and the agent's completed answers.
        var realtime = stack.Realtime!.Records;
        var finishedCallerTurns = realtime.Transcripts.Where(t => t.Role == "user").Select(t => (t.ItemId, t.Text)).ToList();
        var finishedAgentTurns = realtime.Responses.Where(r => r.Status == "completed" && r.ToolName is null).Select(r => (r.ItemId, r.Text)).ToList();
        var clock = Stopwatch.StartNew();
        workers.Worker.KillHard();

        var result = await call.Completion.WaitAsync(timeout.Token);
        var noticed = clock.Elapsed;
        Assert.Equal(SimulatedCallOutcome.MediaLost, result.Outcome);
        var failedEvent = Assert.Single(result.Callbacks, c => c.Type == "Microsoft.Communication.MediaStreamingFailed");
        Assert.Contains("\"streamConnectionInterrupted\"", failedEvent.Body, StringComparison.Ordinal);
        var disconnected = Assert.Single(result.Callbacks, c => c.Type == "Microsoft.Communication.CallDisconnected");
        Assert.True(disconnected.SentAt >= failedEvent.SentAt);
        Assert.All(result.Callbacks, c => Assert.Equal(200, c.StatusCode));

        var session = await FinalSession.ReadAsync(stack.Sessions, sessionId, timeout.Token);
        Assert.Equal(CallState.Failed, session.State);
        Assert.StartsWith("Media streaming failed", session.EndReason, StringComparison.Ordinal);
        Assert.DoesNotContain(CallState.Ended, session.History.Select(h => h.State));

        // Every segment written before the kill is still there, in order.
        var after = await stack.Records.ReadAsync(sessionId, timeout.Token);
        Assert.Equal(before.Select(r => (r.Kind, r.Speaker, r.Text)), after.Take(before.Count).Select(r => (r.Kind, r.Speaker, r.Text)));

        // And every turn the engine had finished is in the stored record, with its text: a segment the worker had but
        // never wrote would be missing here even though the two reads above agree.
        Assert.Equal(Utterances, finishedCallerTurns.Select(t => t.Text));
        Assert.Equal([$"Answer 0 to: {Utterances[0]}", $"Answer 1 to: {Utterances[1]}"], finishedAgentTurns.Select(t => t.Text));
        var storedTurns = after.Where(r => r.Kind == "turn").ToList();
        foreach (var (itemId, text) in finishedCallerTurns)
        {
            Assert.True(storedTurns.Any(r => r.Speaker == "caller" && r.ItemId == itemId && r.Text == text),
                $"the engine finished caller turn {itemId} \"{text}\"; the stored record lacks it");
        }

        foreach (var (itemId, text) in finishedAgentTurns)
        {
            Assert.True(storedTurns.Any(r => r.Speaker == "agent" && r.ItemId == itemId && r.Text == text),
                $"the engine finished agent turn {itemId} \"{text}\"; the stored record lacks it");
        }

        // The minutes render from that transcript, and the tenant's slot is free again.
        var minutes = stack.FunctionsServices.GetRequiredService<BlobMinutesStore>();
        MinutesFile? rendered = null;
        await TestStacks.UntilAsync(async () => (rendered = await minutes.ReadAsync(sessionId, MinutesFormat.Md, timeout.Token)) is not null, timeout.Token);
        var minutesText = Encoding.UTF8.GetString(rendered!.Content);
        Assert.Contains(Utterances[0], minutesText, StringComparison.Ordinal);
        Assert.Contains($"Answer 0 to: {Utterances[0]}", minutesText, StringComparison.Ordinal);
        var minutesAfter = clock.Elapsed;
        await TestStacks.UntilAsync(async () => await counter.CountActiveAsync(LocalStackOptions.LocalTenantId, timeout.Token) == 0, timeout.Token);
        var slotFreeAfter = clock.Elapsed;

        output.WriteLine($"after SIGKILL: ACS noticed the lost media and ended the call at {noticed.TotalMilliseconds:F0} ms; minutes at " +
            $"{minutesAfter.TotalSeconds:F1} s; tenant slot free at {slotFreeAfter.TotalSeconds:F1} s; {before.Count} record entries kept; " +
            $"{finishedCallerTurns.Count} caller and {finishedAgentTurns.Count} agent turns finished by the engine, all stored");
    }
}
