using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests.Faults;

/// <summary>
/// A redeploy, end to end: the media worker runs as its own process, two calls are up, and the worker gets SIGTERM as
/// Container Apps sends it. It must leave the ingress at once (<c>/readyz</c> 503, new media refused), let the short call
/// end by itself, give the long one a spoken goodbye and hang it up at the end of its (short, configured) grace, and exit 0.
/// </summary>
public sealed class WorkerDrainEndToEndTests(ITestOutputHelper output)
{
    private const string Goodbye = "This line is closing for maintenance. Goodbye.";
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(8);

    [SkippableFact]
    public async Task On_SIGTERM_the_worker_stops_admitting_lets_a_short_call_end_says_goodbye_to_a_long_one_and_exits_0()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var shortAudio = await CallerAudioSynthesizer.SynthesizeAsync(["Hello there."], TimeSpan.Zero, AudioFormat.Pcm24k, timeout.Token);
        var longAudio = await CallerAudioSynthesizer.SynthesizeAsync(["I have a question."], TimeSpan.Zero, AudioFormat.Pcm24k, timeout.Token);
        var workers = new MediaWorkerProcessLauncher();
        await using var stack = await LocalStack.StartAsync(TestStacks.Options(["Hello."], (_, _) => "Sure.") with
        {
            AppSettings = new Dictionary<string, string?>
            {
                ["MediaWorker:DrainTimeout"] = Grace.ToString(),
                ["MediaWorker:DrainGoodbye"] = Goodbye,
            },
            MediaWorkerLauncher = workers.LaunchAsync,
        }, _ => { }, timeout.Token);
        var worker = workers.Worker;

        var longCall = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = longAudio,
            CallerAudioFormat = AudioFormat.Pcm24k,
            // The caller would stay on far longer than the grace: only the worker can end this call.
            MaxDuration = TimeSpan.FromSeconds(90),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(90),
        }, timeout.Token);
        await longCall.WaitForNoteAsync("media connected", timeout.Token);
        var shortCall = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = shortAudio,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(30),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(2),
        }, timeout.Token);
        await shortCall.WaitForNoteAsync("media connected", timeout.Token);

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(worker.Url, "/readyz"), timeout.Token)).StatusCode);
        var clock = Stopwatch.StartNew();
        await worker.TerminateAsync();
        var longEnded = longCall.Completion.ContinueWith(_ => clock.Elapsed, TaskScheduler.Default);

        // Readiness flips at once; liveness stays up (a draining worker must not be restarted).
        while ((await http.GetAsync(new Uri(worker.Url, "/readyz"), timeout.Token)).StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            await Task.Delay(20, timeout.Token);
        }

        var readinessFlip = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(worker.Url, "/healthz"), timeout.Token)).StatusCode);

        // New media is refused with 503 before the token is even looked at.
        using (var socket = new ClientWebSocket())
        {
            var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
                socket.ConnectAsync(new Uri($"ws://{worker.Url.Authority}/media/acs?callId=new-call&token=any"), timeout.Token));
            Assert.Contains("503", refused.Message, StringComparison.Ordinal);
        }

        // The short call ends by itself during the grace: the caller hangs up, nothing cut it.
        var shortResult = await shortCall.Completion.WaitAsync(timeout.Token);
        var shortEnded = clock.Elapsed;
        Assert.Equal(SimulatedCallOutcome.CallerHungUp, shortResult.Outcome);
        Assert.True(shortEnded < Grace, $"the short call ended {shortEnded.TotalSeconds:F1} s after SIGTERM, after the grace");

        // The long call outlives the grace, hears the goodbye, and the worker hangs it up through Call Automation.
        var longResult = await longCall.Completion.WaitAsync(timeout.Token);
        var hungUpAfter = await longEnded;
        Assert.Equal(SimulatedCallOutcome.AppHungUp, longResult.Outcome);
        Assert.True(hungUpAfter >= Grace, $"the long call was hung up {hungUpAfter.TotalSeconds:F1} s after SIGTERM, before the grace of {Grace.TotalSeconds} s");
        var longCallId = Uri.UnescapeDataString(longResult.Callbacks[0].Uri.Segments[^1]);
        var records = await stack.Records.ReadAsync(longCallId, timeout.Token);
        var lastAgentTurn = records.Last(r => r.Kind == "turn" && r.Speaker == "agent");
        Assert.Equal(Goodbye, lastAgentTurn.Text);
        Assert.False(lastAgentTurn.Interrupted);
        // The caller heard all of it (seconds of speech, not cut by a StopAudio) before the hang-up. A loaded machine can
        // stall the audio for over 300 ms, which the simulator counts as a new segment: the goodbye is the run of last
        // segments less than a second apart.
        var heardLast = longResult.Segments[^1];
        Assert.False(heardLast.EndedByStopAudio);
        var goodbyeMs = heardLast.PlayedMs;
        for (var i = longResult.Segments.Count - 2; i >= 0 && !longResult.Segments[i].EndedByStopAudio
            && longResult.Segments[i + 1].Start - longResult.Segments[i].End < TimeSpan.FromSeconds(1); i--)
        {
            goodbyeMs += longResult.Segments[i].PlayedMs;
        }

        Assert.True(goodbyeMs >= 1000, $"the goodbye lasted only {goodbyeMs:F0} ms");

        var exitCode = await worker.WaitForExitAsync(timeout.Token);
        var exitedAfter = clock.Elapsed;
        Assert.True(exitCode == 0, $"the worker exited with {exitCode}:\n{worker.Output}");
        Assert.Equal(CallState.Ended, (await FinalSession.ReadAsync(stack.Sessions, longCallId, timeout.Token)).State);

        output.WriteLine($"after SIGTERM: /readyz 503 at {readinessFlip.TotalMilliseconds:F0} ms; short call ended by itself at {shortEnded.TotalSeconds:F2} s; " +
            $"long call hung up at {hungUpAfter.TotalSeconds:F2} s (grace {Grace.TotalSeconds:F0} s); process exited 0 at {exitedAfter.TotalSeconds:F2} s");
    }
}
