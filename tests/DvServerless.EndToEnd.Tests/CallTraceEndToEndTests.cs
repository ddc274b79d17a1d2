using System.Diagnostics;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Functions.Telemetry;
using DvServerless.MediaWorker.Telemetry;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;
using DvServerless.Testing.Telemetry;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// One trace per call across both apps: the whole local stack (both apps in this process, the ACS and Realtime simulators),
/// with a listener on both apps' sources. The worker finds the Functions app's span only through the traceparent stored in
/// the call's session: its spans are parented explicitly, never to whatever span is ambient.
/// </summary>
public sealed class CallTraceEndToEndTests
{
    [SkippableFact]
    public async Task Every_span_of_a_call_in_both_apps_is_in_one_trace_under_the_functions_span_and_each_call_has_its_own()
    {
        Prerequisites.Require();
        using var spans = new SpanCollector(FunctionsTracing.SourceName, CallTraceSource.Name, "System.Net.Http");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(["Hello there."], TimeSpan.Zero, AudioFormat.Pcm24k, timeout.Token);
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = ["Hello there."],
            AgentReply = (_, _) => "Hi!",
            Environment = new Dictionary<string, string?>(), // never a real engine in tests
            ToolsSearchRoot = RepositoryPaths.Root,
        }, _ => { }, timeout.Token);

        var first = await PlaceCallAsync(stack, caller, timeout.Token);
        var second = await PlaceCallAsync(stack, caller, timeout.Token);

        var firstTrace = await CallTraceAsync(spans, first, timeout.Token);
        var secondTrace = await CallTraceAsync(spans, second, timeout.Token);
        Assert.NotEqual(firstTrace, secondTrace);
    }

    [Fact]
    public async Task Started_by_a_functions_host_with_azure_monitor_configured_the_worker_still_composes_and_connects()
    {
        // As StandaloneAppsTests' host start, with the Azure Monitor distro on: it must not break the isolated worker's
        // start (the way Application Insights 3.x does, ISOLATED-WORKER §7.3). Nothing listens at the host's address.
        using var port = new ClosedTcpPort();
        var closed = port.Port;
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.Functions", "DvServerless.Functions.dll");
        await using var process = ProcessRunner.Start(assembly,
            ["--functions-uri", $"http://127.0.0.1:{closed}/", "--functions-worker-id", "w1", "--functions-request-id", "r1",
                "--functions-grpc-max-message-length", "2147483647"],
            new Dictionary<string, string?>
            {
                [FunctionsTelemetryServiceCollectionExtensions.AzureMonitorSetting] =
                    $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{closed}/;LiveEndpoint=http://127.0.0.1:{closed}/",
                [FunctionsTelemetryServiceCollectionExtensions.OtlpEndpointSetting] = $"http://127.0.0.1:{closed}",
                // As the deployment sets it: Entra ID ingestion with the app's user-assigned identity.
                ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD",
            });

        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.True(exited, "The worker kept running without a host:\n" + process.Output);
        Assert.NotEqual(0, process.Process.ExitCode);
        Assert.Contains("Unavailable", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("TypeLoadException", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OptionsValidationException", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to resolve service", process.Output, StringComparison.Ordinal);
    }

    private static async Task<string> PlaceCallAsync(LocalStack stack, byte[] caller, CancellationToken cancellationToken)
    {
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(30),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(2),
        }, cancellationToken);
        var result = await call.Completion.WaitAsync(cancellationToken);
        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.True(result.MediaConnected, result.MediaConnectError);
        return Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
    }

    /// <summary>Checks the spans of call <paramref name="callId"/> and returns its trace id.</summary>
    private static async Task<ActivityTraceId> CallTraceAsync(SpanCollector spans, string callId, CancellationToken cancellationToken)
    {
        // The worker ends call.media once the loop has released everything, a moment after the caller hung up.
        while (!spans.Tagged(CallTraceSource.CallIdTag, callId).Any(s => s.OperationName == CallTraceSource.MediaSpan))
        {
            await Task.Delay(50, cancellationToken);
        }

        var callSpans = spans.Tagged(FunctionsTracing.CallIdTag, callId);
        var incoming = Assert.Single(callSpans, s => s.OperationName == FunctionsTracing.IncomingCallSpan);
        var media = Assert.Single(callSpans, s => s.OperationName == CallTraceSource.MediaSpan);
        Assert.Equal(FunctionsTracing.SourceName, incoming.Source.Name);
        Assert.Equal(CallTraceSource.Name, media.Source.Name);

        // One trace: the Functions app's spans, the callbacks' and every span of the worker.
        Assert.All(callSpans, span => Assert.Equal(incoming.TraceId, span.TraceId));
        Assert.Contains(callSpans, s => s.OperationName == FunctionsTracing.CallEventSpan && (string?)s.GetTagItem(FunctionsTracing.EventTypeTag) == "CallConnected");
        Assert.Contains(callSpans, s => s.OperationName == CallTraceSource.TurnSpan);
        Assert.All(callSpans.Where(s => s.Source.Name == CallTraceSource.Name && s != media), span => Assert.Equal(media.SpanId, span.ParentSpanId));

        // The worker's call is a child of the span the Functions app stored with the session.
        Assert.Equal(incoming.SpanId, media.ParentSpanId);

        // The answer request to ACS is a child of the incoming call's span.
        Assert.Contains(spans.OfTrace(incoming.TraceId), s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == incoming.SpanId);
        return incoming.TraceId;
    }
}
