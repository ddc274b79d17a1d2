using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Faults;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// The agent's tools act on an ACS call through Call Automation, carried out by the Functions app: the media worker runs
/// as its own process with no ACS setting at all and asks on queue <c>dvs-call-actions</c>; <c>end_call</c> hangs the
/// call up (after what the agent queued has played) and <c>transfer</c> hands the caller to the number configured on the
/// Functions app. The Realtime simulator plays a model that calls the tool; the ACS simulator checks the REST requests as
/// ACS would, and only the Functions app holds the ACS credentials that sign them.
/// </summary>
public sealed class AgentToolsEndToEndTests
{
    [SkippableFact]
    public async Task The_agents_end_call_hangs_the_acs_call_up_through_the_functions_app()
    {
        var (result, functionsLog, _) = await PlaceCallAsync("tool:end_call {\"reason\":\"the caller said goodbye\"}", settings: []);

        Assert.Equal(SimulatedCallOutcome.AppHungUp, result.Outcome);
        Assert.Empty(result.ProtocolErrors);
        Assert.Contains(functionsLog, line => line.Contains("hung up through ACS at the media worker's request", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task The_agents_transfer_hands_the_caller_to_the_number_configured_on_the_functions_app()
    {
        var (result, functionsLog, _) = await PlaceCallAsync("tool:transfer {\"reason\":\"wants a person\"}", settings: new() { ["Acs:TransferTarget"] = "+14255550123" });

        Assert.Equal(SimulatedCallOutcome.Transferred, result.Outcome);
        Assert.Equal("4:+14255550123", result.TransferTarget);
        Assert.Empty(result.ProtocolErrors);
        // Masked in the log.
        Assert.Contains(functionsLog, line => line.Contains("transferred through ACS to", StringComparison.Ordinal) && !line.Contains("+14255550123", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_hang_up_acs_refuses_past_its_retries_comes_back_from_the_queue_and_is_carried_out()
    {
        // The first delivery's four tries (the first and Acs:Retry:MaxRetries 3) all answered 503; the second delivery,
        // after the queue's visibility timeout, is answered.
        var faults = new RestFault("terminate", 503, count: 4, retryAfter: TimeSpan.Zero);
        var (result, functionsLog, acsRequests) = await PlaceCallAsync(
            "tool:end_call {\"reason\":\"the caller said goodbye\"}", settings: new() { ["Acs:Retry:Delay"] = "00:00:00.100" }, faults);

        Assert.Equal(SimulatedCallOutcome.AppHungUp, result.Outcome);
        Assert.Contains(functionsLog, line => line.Contains("HangUp through ACS failed; the request comes back", StringComparison.Ordinal));
        Assert.Contains(functionsLog, line => line.Contains("hung up through ACS at the media worker's request", StringComparison.Ordinal));
        var tries = acsRequests.Where(r => r.Operation == "terminate").Select(r => r.ReceivedAt).ToList();
        Assert.Equal(5, tries.Count);
        // The fifth came with the message's next delivery, about the visibility timeout (10 s) after the first.
        var redelivered = tries[4] - tries[0];
        Assert.True(redelivered >= TimeSpan.FromSeconds(9) && redelivered < TimeSpan.FromSeconds(30), $"second delivery {redelivered.TotalSeconds:F1} s after the first try");
    }

    private static async Task<(SimulatedCallResult Result, string[] FunctionsLog, IReadOnlyList<RestFaultRequest> AcsRequests)> PlaceCallAsync(
        string agentReply, Dictionary<string, string?> settings, RestFault? acsFault = null)
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string[] utterances = ["That is all, thank you. Goodbye."];
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(utterances, TimeSpan.FromSeconds(1), AudioFormat.Pcm24k, TimeSpan.FromMilliseconds(500), timeout.Token);

        var workers = new MediaWorkerProcessLauncher();
        var logs = new CapturingLoggerProvider();
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            // Its own process: nothing of the Functions app's configuration or services can reach it.
            MediaWorkerLauncher = workers.LaunchAsync,
            LogSink = logs,
            CallerTranscripts = utterances,
            AgentReply = (_, _) => agentReply,
            Greeting = "Hello.",
            Environment = new Dictionary<string, string?>(), // never a real engine in tests
            AppSettings = settings,
            ToolsSearchRoot = RepositoryPaths.Root,
        }, _ => { }, timeout.Token);
        if (acsFault is not null)
        {
            stack.Acs.RestFaults.Add(acsFault);
        }

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(40),
            // Long enough that only the agent's tool can end the call first.
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(20),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);
        Assert.Equal(1, result.AnswerCount);
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        var session = await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);
        Assert.Equal(CallState.Ended, session.State);

        // The worker was given no ACS setting (no endpoint, key or transfer target): only the Functions app could act.
        Assert.DoesNotContain(workers.Launch.Settings.Keys, key => key.StartsWith("Acs:", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(settings.ContainsKey("Acs:TransferTarget") ? "true" : null, workers.Launch.Settings.GetValueOrDefault("CallActions:OfferTransfer"));
        // The worker logs its request once it is on the queue, which can be after the Functions app acted on it.
        while (!workers.Worker.Output.Contains("requested of the Functions app", StringComparison.Ordinal) && !timeout.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        Assert.Contains("requested of the Functions app", workers.Worker.Output, StringComparison.Ordinal);
        return (result, logs.Messages.ToArray(), stack.Acs.RestFaults.Requests);
    }
}
