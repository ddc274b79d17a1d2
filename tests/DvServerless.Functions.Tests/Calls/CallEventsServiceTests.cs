using DvServerless.Adapters.Acs.Events;
using DvServerless.Core.Calls;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Tests.Fakes;

namespace DvServerless.Functions.Tests.Calls;

public sealed class CallEventsServiceTests
{
    private const string CallId = IncomingCallSamples.CorrelationId;

    [Fact]
    public async Task Call_connected_moves_an_answering_call_to_connected()
    {
        var services = await AnsweredCallAsync();

        var outcome = await services.CallEvents().ApplyAsync(CallId, [Event("CallConnected")]);

        Assert.Equal([CallEventResult.Applied], outcome.Results);
        var session = await services.Sessions.GetAsync(CallId);
        Assert.Equal(CallState.Connected, session!.State);
        Assert.Equal(services.Time.GetUtcNow(), session.ConnectedAt);
    }

    [Fact]
    public async Task Call_disconnected_ends_the_call_with_the_result_message()
    {
        var services = await AnsweredCallAsync();
        var callEvents = services.CallEvents();
        await callEvents.ApplyAsync(CallId, [Event("CallConnected")]);

        var outcome = await callEvents.ApplyAsync(CallId, [Event("CallDisconnected", message: "This conversation has ended.")]);

        Assert.Equal([CallEventResult.Applied], outcome.Results);
        var session = await services.Sessions.GetAsync(CallId);
        Assert.Equal(CallState.Ended, session!.State);
        Assert.Equal("This conversation has ended.", session.EndReason);
        Assert.NotNull(session.EndedAt);
    }

    [Theory]
    [InlineData("AnswerFailed")]
    [InlineData("CreateCallFailed")]
    [InlineData("ConnectFailed")]
    [InlineData("Microsoft.Communication.AnswerFailed")]
    public async Task Setup_failures_fail_the_call(string type)
    {
        var services = await AnsweredCallAsync();

        var outcome = await services.CallEvents().ApplyAsync(CallId, [Event(type, message: "Media connection failed.")]);

        Assert.Equal([CallEventResult.Applied], outcome.Results);
        var session = await services.Sessions.GetAsync(CallId);
        Assert.Equal(CallState.Failed, session!.State);
        Assert.Equal("Media connection failed.", session.EndReason);
    }

    [Fact]
    public async Task A_redelivered_event_changes_nothing()
    {
        var services = await AnsweredCallAsync();
        var callEvents = services.CallEvents();
        await callEvents.ApplyAsync(CallId, [Event("CallConnected")]);
        var before = services.Sessions.Snapshot();

        services.Time.Advance(TimeSpan.FromSeconds(5));
        var outcome = await callEvents.ApplyAsync(CallId, [Event("CallConnected")]);

        Assert.Equal([CallEventResult.Duplicate], outcome.Results);
        Assert.Equal(before, services.Sessions.Snapshot());
    }

    [Fact]
    public async Task Nothing_moves_a_call_after_it_ended()
    {
        var services = await AnsweredCallAsync();
        var callEvents = services.CallEvents();
        await callEvents.ApplyAsync(CallId, [Event("CallDisconnected", message: "Call was ended by Azure Communication Service Call Automation API or a server bot")]);
        var before = services.Sessions.Snapshot();

        var outcome = await callEvents.ApplyAsync(CallId, [Event("CallConnected"), Event("AnswerFailed")]);

        Assert.Equal([CallEventResult.Illegal, CallEventResult.Illegal], outcome.Results);
        Assert.Equal(before, services.Sessions.Snapshot());
    }

    [Fact]
    public async Task Events_of_another_call_connection_are_ignored()
    {
        var services = await AnsweredCallAsync();
        var before = services.Sessions.Snapshot();

        var outcome = await services.CallEvents().ApplyAsync(CallId, [Event("CallDisconnected", callConnectionId: "someone-else")]);

        Assert.Equal([CallEventResult.Mismatched], outcome.Results);
        Assert.Equal(before, services.Sessions.Snapshot());
    }

    [Fact]
    public async Task Lost_media_fails_a_connected_call_ends_its_bookkeeping_and_the_disconnect_after_it_changes_nothing()
    {
        var services = await AnsweredCallAsync();
        var ended = new RecordingEndedHandler();
        var callEvents = new CallEventsService(services.Sessions, services.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<CallEventsService>.Instance, [ended]);
        await callEvents.ApplyAsync(CallId, [Event("CallConnected")]);

        var failed = await callEvents.ApplyAsync(CallId, [Event("MediaStreamingFailed", message: "Stream connection interrupted.")]);
        var afterFailure = services.Sessions.Snapshot();
        var disconnected = await callEvents.ApplyAsync(CallId, [Event("CallDisconnected", message: "This conversation has ended.")]);

        Assert.Equal([CallEventResult.Applied], failed.Results);
        Assert.Equal([CallEventResult.Duplicate], disconnected.Results);
        var session = await services.Sessions.GetAsync(CallId);
        Assert.Equal(CallState.Failed, session!.State);
        Assert.Equal("Media streaming failed: Stream connection interrupted.", session.EndReason);
        Assert.NotNull(session.EndedAt);
        Assert.Equal(afterFailure, services.Sessions.Snapshot());
        // The minutes ran when the media was lost (and again, idempotently, on the disconnect that repeats the end).
        Assert.Equal([CallId, CallId], ended.Calls);
    }

    private sealed class RecordingEndedHandler : DvServerless.Functions.Records.ICallEndedHandler
    {
        public List<string> Calls { get; } = [];

        public Task OnCallEndedAsync(CallSession session, CancellationToken cancellationToken = default)
        {
            Calls.Add(session.CallId);
            return Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData("PlayCompleted")]
    [InlineData("ParticipantsUpdated")]
    [InlineData("SomethingNew")]
    public async Task Other_events_keep_the_state(string type)
    {
        var services = await AnsweredCallAsync();
        var before = services.Sessions.Snapshot();

        var outcome = await services.CallEvents().ApplyAsync(CallId, [Event(type)]);

        Assert.Equal([CallEventResult.Ignored], outcome.Results);
        Assert.Equal(before, services.Sessions.Snapshot());
    }

    [Fact]
    public async Task A_batch_is_applied_in_order()
    {
        var services = await AnsweredCallAsync();

        var outcome = await services.CallEvents().ApplyAsync(CallId,
            [Event("CallConnected"), Event("MediaStreamingStarted"), Event("CallDisconnected", message: "bye")]);

        Assert.Equal([CallEventResult.Applied, CallEventResult.Ignored, CallEventResult.Applied], outcome.Results);
        var session = await services.Sessions.GetAsync(CallId);
        Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Connected, CallState.Ended], session!.History.Select(h => h.State));
    }

    [Theory]
    [InlineData("no-such-call")]
    [InlineData("../sessions/x")]
    [InlineData("")]
    public async Task Unknown_calls_are_not_found_and_nothing_is_created(string callId)
    {
        var services = new TestServices();

        var outcome = await services.CallEvents().ApplyAsync(callId, [Event("CallConnected")]);

        Assert.False(outcome.Found);
        Assert.Empty(services.Sessions.Snapshot());
    }

    private static async Task<TestServices> AnsweredCallAsync()
    {
        var services = new TestServices();
        var outcome = await services.IncomingCalls().HandleAsync(IncomingCallSamples.Notification());
        Assert.Equal(IncomingCallResult.Answered, outcome.Result);
        services.Time.Advance(TimeSpan.FromSeconds(1));
        return services;
    }

    private static CallAutomationEvent Event(string type, string callConnectionId = "conn-1", string? message = null) => new()
    {
        Type = type,
        EventId = Guid.NewGuid().ToString(),
        CallConnectionId = callConnectionId,
        CorrelationId = IncomingCallSamples.CorrelationId,
        ResultCode = 200,
        ResultMessage = message,
    };
}
