using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Simulators.Acs;
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
        var (result, functionsLog) = await PlaceCallAsync("tool:end_call {\"reason\":\"the caller said goodbye\"}", settings: []);

        Assert.Equal(SimulatedCallOutcome.AppHungUp, result.Outcome);
        Assert.Empty(result.ProtocolErrors);
        Assert.Contains(functionsLog, line => line.Contains("hung up through ACS at the media worker's request", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task The_agents_transfer_hands_the_caller_to_the_number_configured_on_the_functions_app()
    {
        var (result, functionsLog) = await PlaceCallAsync("tool:transfer {\"reason\":\"wants a person\"}", settings: new() { ["Acs:TransferTarget"] = "+14255550123" });

        Assert.Equal(SimulatedCallOutcome.Transferred, result.Outcome);
        Assert.Equal("4:+14255550123", result.TransferTarget);
        Assert.Empty(result.ProtocolErrors);
        // Masked in the log.
        Assert.Contains(functionsLog, line => line.Contains("transferred through ACS to", StringComparison.Ordinal) && !line.Contains("+14255550123", StringComparison.Ordinal));
    }

    private static async Task<(SimulatedCallResult Result, string[] FunctionsLog)> PlaceCallAsync(string agentReply, Dictionary<string, string?> settings)
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
        return (result, logs.Messages.ToArray());
    }
}
