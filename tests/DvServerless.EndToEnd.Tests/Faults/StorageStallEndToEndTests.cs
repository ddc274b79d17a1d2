using System.Diagnostics;
using System.Net;
using System.Text;
using DvServerless.Adapters.Storage;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Simulators.Acs;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests.Faults;

/// <summary>
/// Blob storage stalls (Azurite frozen with SIGSTOP: connections open, nothing answered, as seen when fifty long calls end
/// together) across the second half of a call and its hang-up: the Functions app answers ACS's one CallDisconnected 503,
/// and the worker's record writes wait. A request to the Functions app while storage is frozen is answered 503 with
/// <c>Retry-After</c> within a second (before: ~9 s, a network timeout per try). When storage answers again nothing is
/// lost: every turn is in the transcript, the minutes render from it, and the session ends.
/// </summary>
public sealed class StorageStallEndToEndTests(ITestOutputHelper output)
{
    private static readonly string[] Utterances = ["What time do you open?", "And when do you close?"];

    [SkippableFact]
    public async Task A_storage_stall_at_the_hang_up_loses_no_turn_no_minutes_and_no_session_end()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(Utterances, TimeSpan.FromSeconds(3), AudioFormat.Pcm24k, timeout.Token);
        await using var stack = await LocalStack.StartAsync(TestStacks.Options(Utterances, (turn, heard) => $"Answer {turn} to: {heard}"), _ => { }, timeout.Token);

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(90),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(90),
        }, timeout.Token);
        await call.WaitForNoteAsync("media connected", timeout.Token);
        var sessionId = DvServerless.Functions.Calls.CallIdDerivation.FromValue(call.CorrelationId);
        await TestStacks.UntilAsync(async () => (await stack.Records.ReadAsync(sessionId, timeout.Token)).Any(r => r.Kind == "turn" && r.Speaker == "agent"), timeout.Token);

        // Storage freezes after the first exchange: the second one is written while it is out.
        await stack.Storage.SuspendBlobAsync(timeout.Token);
        var stalled = Stopwatch.StartNew();
        SimulatedCallResult result;
        try
        {
            // The tenant API reads the session: each request is answered 503 within a second, the first ones within the
            // request budget, the later ones at once (storage held as out). Together they take about as long as the
            // freeze took before this change.
            using var http = new HttpClient { BaseAddress = stack.FunctionsBaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            for (var i = 0; i < 4; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sessions/{sessionId}");
                request.Headers.Add("X-Api-Key", stack.AdminApiKey);
                var watch = Stopwatch.StartNew();
                using var response = await http.SendAsync(request, timeout.Token);
                watch.Stop();
                output.WriteLine($"GET session {i + 1} with storage frozen: {(int)response.StatusCode} in {watch.Elapsed.TotalMilliseconds:F0} ms");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "no Retry-After in seconds");
                // The budget is 0.8 s (measured 0.80–0.87 s idle); the rest of the bound is room for two processes on a shared
                // 2-core machine (CI runs measured 1.11 s and 1.62 s), under the 3 s network timeout a try without the budget
                // would take, as the budget's own tests allow.
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"request {i + 1} took {watch.Elapsed}");
            }

            await Task.Delay(TimeSpan.FromSeconds(7) - stalled.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero, timeout.Token);
            await call.HangUpAsync().WaitAsync(timeout.Token);
            result = await call.Completion.WaitAsync(timeout.Token);
        }
        finally
        {
            await stack.Storage.ResumeBlobAsync(CancellationToken.None);
        }

        output.WriteLine($"storage frozen for {stalled.Elapsed.TotalSeconds:F1} s");
        // ACS sends CallDisconnected once; with storage out the app could only answer 503.
        var disconnected = Assert.Single(result.Callbacks, c => c.Type == "Microsoft.Communication.CallDisconnected");
        Assert.Equal(503, disconnected.StatusCode);

        // The worker's end of the call records what the lost callback would have: the session ends.
        var resumed = Stopwatch.StartNew();
        await TestStacks.UntilAsync(async () => (await stack.Sessions.GetAsync(sessionId, timeout.Token))?.State == CallState.Ended, timeout.Token);
        var endedAfter = resumed.Elapsed;

        // Every turn, both exchanges, is in the transcript, and the minutes render from it.
        var turns = (await stack.Records.ReadAsync(sessionId, timeout.Token)).Where(r => r.Kind == "turn").ToList();
        Assert.Equal(Utterances, turns.Where(t => t.Speaker == "caller").Select(t => t.Text));
        Assert.Equal([$"Answer 0 to: {Utterances[0]}", $"Answer 1 to: {Utterances[1]}"], turns.Where(t => t.Speaker == "agent").Select(t => t.Text));
        var minutes = stack.FunctionsServices.GetRequiredService<BlobMinutesStore>();
        MinutesFile? rendered = null;
        await TestStacks.UntilAsync(async () => (rendered = await minutes.ReadAsync(sessionId, MinutesFormat.Md, timeout.Token)) is not null, timeout.Token);
        Assert.Contains($"Answer 1 to: {Utterances[1]}", Encoding.UTF8.GetString(rendered!.Content), StringComparison.Ordinal);
        output.WriteLine($"after storage returned: session Ended at {endedAfter.TotalSeconds:F1} s, minutes at {resumed.Elapsed.TotalSeconds:F1} s");
    }
}
