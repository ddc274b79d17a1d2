using System.Diagnostics;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Functions.Sip;
using DvServerless.Simulators.Realtime.Sip;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests.ScaleOut;

/// <summary>
/// SIP calls and two workers with one SIP seat each (<c>Sip:MaxCalls=1</c>), the Functions app reaching them only
/// through the Storage queues: two concurrent calls are both answered (one replica each: each had room for one), and a
/// third while both are busy is refused 486 without being accepted, because no replica with room read its seat request.
/// </summary>
public sealed class SipSeatsEndToEndTests(ITestOutputHelper output)
{
    private static readonly string[] CallerLines = ["Hello, I have a question."];

    [SkippableFact]
    public async Task Two_calls_take_one_seat_on_each_worker_and_a_third_is_refused_busy()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(CallerLines, TimeSpan.Zero, AudioFormat.Pcm24k, timeout.Token);
        await using var stack = await LocalStack.StartAsync(TestStacks.Options(CallerLines, (_, _) => "Sure.") with
        {
            Workers = 2,
            AppSettings = new Dictionary<string, string?> { ["Sip:MaxCalls"] = "1" },
        }, _ => { }, timeout.Token);
        var realtime = stack.Realtime!;

        SipCallRequest Request(string customer, TimeSpan stayOn) => new()
        {
            WebhookUrl = stack.SipWebhookUrl,
            WebhookSecret = SipSimulatorDefaults.WebhookSecret,
            SipHeaders = [new("From", "\"Caller\" <sip:+14155550100@trunk.example.com>;tag=e2e"), new("Call-ID", "seats-" + customer + "@trunk.example.com")],
            CallerAudio = caller,
            // The first two callers stay on while the third rings.
            HangUpAfterAgentQuiet = stayOn,
            MaxCallDuration = TimeSpan.FromSeconds(60),
        };

        var started = Stopwatch.StartNew();
        var first = realtime.PlaceSipCallAsync(Request("a", TimeSpan.FromSeconds(12)), timeout.Token);
        var second = realtime.PlaceSipCallAsync(Request("b", TimeSpan.FromSeconds(12)), timeout.Token);
        await TestStacks.UntilAsync(() => Task.FromResult(realtime.Records.Sessions.Count(s => s.CallId is not null) >= 2), timeout.Token);
        output.WriteLine($"both sidebands attached after {started.ElapsedMilliseconds} ms");

        var third = await realtime.PlaceSipCallAsync(Request("c", TimeSpan.FromSeconds(1)), timeout.Token);
        Assert.Equal(SipCallEnd.Rejected, third.End);
        Assert.Equal(486, third.RejectStatus);
        Assert.Equal(0, third.AcceptCount);
        var refused = await stack.Sessions.GetAsync(SipIncomingService.SessionIdFor(third.CallId), timeout.Token);
        Assert.Contains("no worker replica with room", refused!.History[^1].Reason, StringComparison.Ordinal);

        foreach (var call in await Task.WhenAll(first, second))
        {
            Assert.Equal(SipCallEnd.CallerHungUp, call.End);
            Assert.Equal((1, 1), (call.AcceptCount, call.SidebandCount));
            var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(call.CallId), timeout.Token);
            Assert.Equal(CallState.Ended, session.State);
            output.WriteLine($"webhook → accepted (seat taken by queue, then the accept): {SipCallRunner.WebhookToAcceptMs(session)} ms");
        }
    }
}
