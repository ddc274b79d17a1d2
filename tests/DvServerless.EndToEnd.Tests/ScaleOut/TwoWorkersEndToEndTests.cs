using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.EndToEnd.Tests.Faults;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests.ScaleOut;

/// <summary>
/// Two media workers, each its own process with its own command queue, behind one Functions app: new calls spread over
/// both, a command for a call reaches the worker that holds it (the other could not speak into that call), and when one
/// worker dies its call fails while the other's goes on and still takes commands.
/// </summary>
public sealed class TwoWorkersEndToEndTests(ITestOutputHelper output)
{
    private static readonly string[] Utterances = ["Hello, I have a question."];

    [SkippableFact]
    public async Task Calls_spread_over_two_workers_and_each_command_reaches_the_worker_holding_its_call()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(Utterances, TimeSpan.FromSeconds(2), AudioFormat.Pcm24k, timeout.Token);
        var workers = new MediaWorkerProcessLauncher();
        await using var stack = await LocalStack.StartAsync(TestStacks.Options(Utterances, (_, _) => "Sure.") with
        {
            CreateTenant = true,
            Workers = 2,
            MediaWorkerLauncher = workers.LaunchAsync,
        }, _ => { }, timeout.Token);
        // The launcher also lists a worker of a start attempt the stack gave up on (a port taken, then a second attempt on
        // other ports; a clean-clone CI run saw 3): the stack's workers are the ones still running.
        var running = workers.Workers.Where(w => !w.HasExited).ToArray();
        Assert.Equal(2, running.Length);

        var calls = new List<SimulatedCall>();
        for (var i = 0; i < 2; i++)
        {
            var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
            {
                IncomingCallUrl = stack.IncomingCallUrl,
                From = "4:+1425555010" + i,
                To = "4:" + LocalStackOptions.LocalTenantPhoneNumber,
                CallerAudio = caller,
                CallerAudioFormat = AudioFormat.Pcm24k,
                // The callers stay on: the test ends the calls.
                MaxDuration = TimeSpan.FromSeconds(120),
                HangUpAfterAgentQuiet = TimeSpan.FromSeconds(120),
            }, timeout.Token);
            calls.Add(call);
            await call.WaitForNoteAsync("media connected", timeout.Token);
        }

        try
        {
            // Each call's session names the queue of the worker that took its media: two calls, two workers.
            var sessionIds = calls.Select(c => DvServerless.Functions.Calls.CallIdDerivation.FromValue(c.CorrelationId)).ToArray();
            var queues = new string?[2];
            for (var i = 0; i < 2; i++)
            {
                var id = sessionIds[i];
                await TestStacks.UntilAsync(async () => (queues[i] = (await stack.Sessions.GetAsync(id, timeout.Token))?.WorkerQueue) is not null, timeout.Token);
            }

            Assert.NotEqual(queues[0], queues[1]);

            // A say to each call is spoken by the worker holding it: the text lands in that call's transcript only.
            using var http = new HttpClient { BaseAddress = stack.FunctionsBaseUrl };
            http.DefaultRequestHeaders.Add("X-Api-Key", stack.TenantApiKey);
            for (var i = 0; i < 2; i++)
            {
                using var response = await http.PostAsJsonAsync($"/api/v1/sessions/{sessionIds[i]}/say", new { text = $"A note for caller {i}." }, timeout.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            for (var i = 0; i < 2; i++)
            {
                var id = sessionIds[i];
                var mine = $"A note for caller {i}.";
                var other = $"A note for caller {1 - i}.";
                await TestStacks.UntilAsync(async () => (await stack.Records.ReadAsync(id, timeout.Token)).Any(r => r.Kind == "turn" && r.Text == mine), timeout.Token);
                Assert.DoesNotContain(await stack.Records.ReadAsync(id, timeout.Token), r => r.Text == other);
            }

            // A second kind of command, comfort noise on and off: the Functions app answers 200 only when the worker
            // holding the call (the only one reading that call's queue) says it was done.
            for (var i = 0; i < 2; i++)
            {
                foreach (var (path, kind) in new[] { ("start", "comfort-start"), ("stop", "comfort-stop") })
                {
                    using var response = await http.PostAsync($"/api/v1/comfort/{sessionIds[i]}/{path}", null, timeout.Token);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    var reply = await response.Content.ReadFromJsonAsync<DvServerless.Functions.CallCommands.CallCommandReply>(timeout.Token);
                    Assert.Equal((sessionIds[i], kind), (reply!.SessionId, reply.Command));
                }
            }

            // One worker dies: its call is lost, and a command for it fails fast and clearly; the other call goes on.
            var clock = Stopwatch.StartNew();
            running[1].KillHard();
            var lost = await Task.WhenAny(calls.Select(c => c.Completion)).WaitAsync(timeout.Token);
            Assert.Equal(SimulatedCallOutcome.MediaLost, (await lost).Outcome);
            var lostIndex = calls.FindIndex(c => c.Completion == lost);
            var liveIndex = 1 - lostIndex;
            Assert.False(calls[liveIndex].Completion.IsCompleted, "the other worker's call must go on");
            await TestStacks.UntilAsync(async () => (await stack.Sessions.GetAsync(sessionIds[lostIndex], timeout.Token))!.State == CallState.Failed, timeout.Token);

            var commandClock = Stopwatch.StartNew();
            using (var dead = await http.PostAsJsonAsync($"/api/v1/sessions/{sessionIds[lostIndex]}/say", new { text = "Anyone there?" }, timeout.Token))
            {
                Assert.True((int)dead.StatusCode is >= 400 and < 600, $"a command for a call that ended must fail, got {(int)dead.StatusCode}");
                Assert.NotEqual(HttpStatusCode.InternalServerError, dead.StatusCode);
            }

            var deadAnswered = commandClock.Elapsed;
            using (var live = await http.PostAsJsonAsync($"/api/v1/sessions/{sessionIds[liveIndex]}/say", new { text = "Still here." }, timeout.Token))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            output.WriteLine($"queues: {queues[0]} / {queues[1]}; worker killed: its call lost after {clock.ElapsedMilliseconds} ms; " +
                $"a command for it answered in {deadAnswered.TotalMilliseconds:F0} ms");
        }
        finally
        {
            foreach (var call in calls)
            {
                if (!call.Completion.IsCompleted)
                {
                    await call.HangUpAsync();
                }

                call.Dispose();
            }
        }
    }
}
