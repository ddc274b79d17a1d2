using System.Diagnostics;
using DvServerless.Adapters.Acs.Events;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Tenants;
using DvServerless.Functions.BrowserSessions;
using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Telemetry;
using DvServerless.Functions.Tenants;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Functions.Tests.Sip;
using DvServerless.Testing.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.Telemetry;

/// <summary>
/// A call's trace starts in the function that creates its session, is stored with it, and its callbacks join it.
/// One collection with the app-level telemetry tests: they listen to the process-wide source, or need nobody to.
/// </summary>
[Collection(FunctionsTelemetryTests.ListenerCollection)]
public sealed class FunctionsTracingTests
{
    [Fact]
    public async Task An_incoming_call_stores_the_traceparent_of_its_call_incoming_span_in_its_session()
    {
        using var spans = new SpanCollector(FunctionsTracing.SourceName);
        var services = new TestServices();
        var callId = Guid.NewGuid().ToString();

        var outcome = await services.IncomingCalls().HandleAsync(IncomingCallSamples.Notification(correlationId: callId));

        var session = (await services.Sessions.GetAsync(outcome.CallId))!;
        Assert.True(ActivityContext.TryParse(session.TraceParent, null, out var stored), $"not a W3C traceparent: '{session.TraceParent}'");
        Assert.True(stored.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        var incoming = Assert.Single(spans.Tagged(FunctionsTracing.CallIdTag, outcome.CallId));
        Assert.Equal(FunctionsTracing.IncomingCallSpan, incoming.OperationName);
        Assert.Equal((incoming.TraceId, incoming.SpanId), (stored.TraceId, stored.SpanId));
        Assert.Equal("acs", incoming.GetTagItem(FunctionsTracing.ChannelTag));
        Assert.Equal(nameof(IncomingCallResult.Answered), incoming.GetTagItem(FunctionsTracing.ResultTag));
        AssertNoParties(incoming);
    }

    [Fact]
    public async Task Callbacks_of_the_call_are_spans_of_its_trace_linked_to_the_request_that_carried_them()
    {
        using var spans = new SpanCollector(FunctionsTracing.SourceName, "Tests.Requests");
        using var requests = new ActivitySource("Tests.Requests");
        var services = new TestServices();
        var callId = Guid.NewGuid().ToString();
        var outcome = await services.IncomingCalls().HandleAsync(IncomingCallSamples.Notification(correlationId: callId));
        var incoming = Assert.Single(spans.Tagged(FunctionsTracing.CallIdTag, callId));

        // ACS's callback request is a trace of its own.
        Activity? request;
        using (request = requests.StartActivity("POST /api/acs/callbacks"))
        {
            await services.CallEvents().ApplyAsync(callId, [Event("CallConnected", callId), Event("CallDisconnected", callId)]);
        }

        Assert.NotNull(request);
        Assert.NotEqual(incoming.TraceId, request.TraceId);
        var events = spans.Tagged(FunctionsTracing.CallIdTag, callId).Where(s => s.OperationName == FunctionsTracing.CallEventSpan).ToList();
        Assert.Equal(["CallConnected", "CallDisconnected"], events.Select(e => (string?)e.GetTagItem(FunctionsTracing.EventTypeTag)));
        Assert.All(events, e =>
        {
            Assert.Equal(incoming.TraceId, e.TraceId);
            Assert.Equal(incoming.SpanId, e.ParentSpanId);
            Assert.Equal(request.Context, Assert.Single(e.Links).Context);
            Assert.Equal(nameof(CallEventResult.Applied), e.GetTagItem(FunctionsTracing.ResultTag));
        });
        Assert.Equal(CallState.Ended, (await services.Sessions.GetAsync(outcome.CallId))!.State);
    }

    [Fact]
    public async Task A_sip_call_stores_the_traceparent_of_its_call_incoming_span_in_its_session()
    {
        using var spans = new SpanCollector(FunctionsTracing.SourceName);
        var services = new TestServices();
        var routing = new SipRoutingOptions();
        var service = new SipIncomingService(services.Sessions, new FakeRealtimeCallControl(), new FakeSipWorkerClient(),
            new SipRoutingPolicy(Options.Create(routing)), new SipWebhookIdCache(services.Time), Options.Create(routing),
            new AgentOptions { Model = "gpt-realtime", Voice = "marin", Instructions = "Be brief." }, services.Time, NullLogger<SipIncomingService>.Instance);
        var sipCallId = "rtc_u1_" + Guid.NewGuid().ToString("N");

        var outcome = await service.HandleAsync(new SipIncomingCall("wh_" + Guid.NewGuid().ToString("N"), "evt_1", RealtimeCallIncomingParser.CallIncomingType,
            sipCallId, services.Time.GetUtcNow(), new SipHeaderCollection([new SipHeader("From", "<sip:+14255550123@example.com>")])));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        var session = (await services.Sessions.GetAsync(outcome.CallId))!;
        var incoming = Assert.Single(spans.Tagged(FunctionsTracing.CallIdTag, outcome.CallId));
        Assert.Equal(incoming.Id, session.TraceParent);
        Assert.Equal("sip", incoming.GetTagItem(FunctionsTracing.ChannelTag));
        Assert.Equal(nameof(SipIncomingResult.Accepted), incoming.GetTagItem(FunctionsTracing.ResultTag));
        AssertNoParties(incoming);
    }

    [Fact]
    public async Task A_browser_session_stores_the_traceparent_of_its_start_span()
    {
        using var spans = new SpanCollector(FunctionsTracing.SourceName);
        var services = new TestServices();
        var service = new BrowserSessionService(services.Sessions, AdmitAllCallsPolicy.Instance, new UnusedBrowserWorker(), new FakeSipWorkerClient(),
            services.Tokens, Options.Create(services.MediaWorker), new TenantContext(), services.Time, NullLogger<BrowserSessionService>.Instance);

        var result = await service.StartAsync(TenantCaller.ForTenant("acme"), new VoiceStartRequest(), CancellationToken.None);

        Assert.Equal(VoiceOutcome.Ok, result.Outcome);
        var session = (await services.Sessions.GetAsync(result.Session!.CallId))!;
        var start = Assert.Single(spans.Tagged(FunctionsTracing.CallIdTag, session.CallId));
        Assert.Equal(FunctionsTracing.SessionStartSpan, start.OperationName);
        Assert.Equal(start.Id, session.TraceParent);
        Assert.Equal(("browser", "acme"), (start.GetTagItem(FunctionsTracing.ChannelTag), start.GetTagItem(FunctionsTracing.TenantTag)));
    }

    [Fact]
    public async Task With_nobody_listening_a_session_carries_no_trace()
    {
        Assert.False(FunctionsTracing.Source.HasListeners());
        var services = new TestServices();

        var outcome = await services.IncomingCalls().HandleAsync(IncomingCallSamples.Notification(correlationId: Guid.NewGuid().ToString()));

        Assert.Null((await services.Sessions.GetAsync(outcome.CallId))!.TraceParent);
        // Callbacks of such a call still work.
        var applied = await services.CallEvents().ApplyAsync(outcome.CallId, [Event("CallConnected", outcome.CallId)]);
        Assert.Equal([CallEventResult.Applied], applied.Results);
    }

    private static void AssertNoParties(Activity span) =>
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value is string text && (text.Contains("+1425", StringComparison.Ordinal) || text.Contains("+1800", StringComparison.Ordinal)));

    private static CallAutomationEvent Event(string type, string correlationId) => new()
    {
        Type = "Microsoft.Communication." + type,
        EventId = Guid.NewGuid().ToString(),
        CallConnectionId = "conn-1",
        CorrelationId = correlationId,
        ResultCode = 200,
    };

    /// <summary>Starting a session never talks to the worker.</summary>
    private sealed class UnusedBrowserWorker : ICallCommandClient
    {
        public Task<CallCommandAnswer> SendAsync(DvServerless.Core.Calls.CallSession session, CallCommand command, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Not used by voice/start.");
    }
}
