using System.Net;
using DvServerless.Adapters.Live;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Live;
using DvServerless.MediaWorker.Live;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// The Functions app's live events for a call placed through the local stack reach the worker's hub over real loopback
/// REST: the app's publisher signs each send for the worker's internal port, which checks it as Azure SignalR would.
/// </summary>
public sealed class LiveEventsEndToEndTests
{
    [SkippableFact]
    public async Task An_acs_call_sends_new_state_and_ended_events_to_the_workers_stand_in_for_azure_signalr()
    {
        RequireAzurite();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            Environment = new Dictionary<string, string?>(), // never a real engine in tests
            ToolsSearchRoot = RepositoryPaths.Root,
        }, _ => { }, timeout.Token);
        var publisher = Assert.IsType<AzureSignalRLiveEventPublisher>(stack.FunctionsServices.GetRequiredService<ILiveEventPublisher>());

        // A caller who says nothing and hangs up once the agent has been quiet for a second.
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = new byte[AudioFormat.Pcm24k.SampleRate * 2],
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(20),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        var session = await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);
        Assert.Equal(CallState.Ended, session.State);

        // call:new (channel acs), call:state Answering, Connected and Ended, call:ended: five events, each to the admin
        // group (no tenants in this stack), each accepted (202) by the worker only after it checked the token and passed
        // the message to the hub.
        while (publisher.Sent + publisher.Dropped < 5)
        {
            await Task.Delay(50, timeout.Token);
        }

        Assert.Equal((5, 0), (publisher.Sent, publisher.Dropped));

        // The worker's call board (what the dashboard reads on connect) holds one row for the call, merged from the
        // Functions app's events (channel, masked caller, Ended) and the worker's own (engine).
        var board = stack.MediaWorkerServices.GetRequiredService<LiveCallBoard>();
        var row = Assert.Single(board.Snapshot(tenantId: null).Calls, c => c.CallId == callId);
        Assert.Equal(("acs", "Ended"), (row.Channel, row.State));
        Assert.NotNull(row.EndedAt);
        Assert.False(string.IsNullOrEmpty(row.Engine));
        Assert.EndsWith("*******0123", row.From, StringComparison.Ordinal); // the simulator's caller, +14255550123

        // /metrics moved to the internal port with the stand-in; the public port no longer serves it.
        using var http = new HttpClient();
        using var inside = await http.GetAsync(stack.MetricsUrl, timeout.Token);
        using var outside = await http.GetAsync(new Uri(stack.MediaWorkerBaseUrl, "/metrics"), timeout.Token);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound), (inside.StatusCode, outside.StatusCode));
    }

    private static void RequireAzurite()
    {
        if (AzuriteProcess.FindExecutable(RepositoryPaths.Root) is not null)
        {
            return;
        }

        const string reason = "Azurite is not installed (npm install in the repository root).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason);
        }

        Skip.If(true, reason);
    }
}
