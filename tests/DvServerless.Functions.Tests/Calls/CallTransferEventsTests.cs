using DvServerless.Adapters.Acs.Events;
using DvServerless.Core.Calls;
using DvServerless.Functions.CallActions;
using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Tests.CallCommands;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Functions.Tests.Calls;

/// <summary>
/// ACS's word on the agent's transfer: CallTransferFailed tells the live call's agent (once per event), CallTransferAccepted
/// is recorded on the session, whose end reason then says the caller was transferred; events of another call connection
/// or another operation change nothing.
/// </summary>
public sealed class CallTransferEventsTests
{
    private const string CallId = IncomingCallSamples.CorrelationId;

    private readonly RecordingCallCommandClient _worker = new();

    private CallEventsService Service(TestServices services) => new(services.Sessions, services.Time, NullLogger<CallEventsService>.Instance, null,
        new CallAgentNotes(_worker, NullLogger<CallAgentNotes>.Instance));

    [Fact]
    public async Task Call_transfer_failed_tells_the_agent_and_a_redelivery_does_not_tell_it_again()
    {
        var services = await ConnectedCallAsync();
        var failed = Event("CallTransferFailed", code: 500, subCode: 7503, message: "Transfer target +14255550123 did not answer.");

        var outcome = await Service(services).ApplyAsync(CallId, [failed]);
        var again = await Service(services).ApplyAsync(CallId, [failed]);

        Assert.Equal([CallEventResult.Applied], outcome.Results);
        Assert.Equal([CallEventResult.Duplicate], again.Results);
        var (callId, command) = Assert.Single(_worker.Sent);
        Assert.Equal((CallId, CallCommandKind.Note, TransferNotes.Failed), (callId, command.Kind, command.Text));
        var session = await services.Sessions.GetAsync(CallId);
        Assert.Equal(CallState.Connected, session!.State);
        Assert.Null(session.EndReason);
    }

    [Fact]
    public async Task Call_transfer_accepted_records_the_transfer_and_the_disconnect_after_it_keeps_it_as_the_end_reason()
    {
        var services = await ConnectedCallAsync();
        var callEvents = Service(services);

        var accepted = await callEvents.ApplyAsync(CallId, [Event("CallTransferAccepted")]);
        var acceptedAt = services.Time.GetUtcNow();
        services.Time.Advance(TimeSpan.FromSeconds(1));
        var again = await callEvents.ApplyAsync(CallId, [Event("CallTransferAccepted"), Event("CallDisconnected", message: "Call was ended by a server bot")]);

        Assert.Equal([CallEventResult.Applied], accepted.Results);
        Assert.Equal([CallEventResult.Duplicate, CallEventResult.Applied], again.Results);
        var session = await services.Sessions.GetAsync(CallId);
        Assert.Equal(CallState.Ended, session!.State);
        Assert.Equal(CallEventsService.TransferredEndReason, session.EndReason);
        Assert.Equal(acceptedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), session.Metadata[CallEventsService.TransferredAtMetadataKey]);
        Assert.Empty(_worker.Sent);
    }

    [Theory]
    [InlineData("CallTransferFailed")]
    [InlineData("CallTransferAccepted")]
    public async Task A_transfer_event_of_another_call_connection_or_operation_changes_nothing(string type)
    {
        var services = await ConnectedCallAsync();
        var before = services.Sessions.Snapshot();

        var outcome = await Service(services).ApplyAsync(CallId, [Event(type, callConnectionId: "someone-else"), Event(type, operationContext: "someone-elses-transfer")]);

        Assert.Equal([CallEventResult.Mismatched, CallEventResult.Ignored], outcome.Results);
        Assert.Equal(before, services.Sessions.Snapshot());
        Assert.Empty(_worker.Sent);
    }

    [Fact]
    public async Task A_transfer_failure_for_an_unknown_call_changes_nothing()
    {
        var services = new TestServices();

        var outcome = await Service(services).ApplyAsync("no-such-call", [Event("CallTransferFailed")]);

        Assert.False(outcome.Found);
        Assert.Empty(_worker.Sent);
    }

    [Fact]
    public async Task A_transfer_failure_after_the_call_ended_tells_nobody()
    {
        var services = await ConnectedCallAsync();
        var callEvents = Service(services);
        await callEvents.ApplyAsync(CallId, [Event("CallDisconnected", message: "bye")]);

        await callEvents.ApplyAsync(CallId, [Event("CallTransferFailed")]);

        Assert.Empty(_worker.Sent);
    }

    private static async Task<TestServices> ConnectedCallAsync()
    {
        var services = new TestServices();
        var outcome = await services.IncomingCalls().HandleAsync(IncomingCallSamples.Notification());
        Assert.Equal(IncomingCallResult.Answered, outcome.Result);
        services.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([CallEventResult.Applied], (await services.CallEvents().ApplyAsync(CallId, [Event("CallConnected")])).Results);
        return services;
    }

    private static CallAutomationEvent Event(string type, string callConnectionId = "conn-1", string? operationContext = CallActionService.TransferOperationContext,
        int code = 200, int subCode = 0, string? message = null) => new()
    {
        Type = type,
        EventId = type + "-1",
        CallConnectionId = callConnectionId,
        CorrelationId = IncomingCallSamples.CorrelationId,
        OperationContext = type.StartsWith("CallTransfer", StringComparison.Ordinal) ? operationContext : null,
        ResultCode = code,
        ResultSubCode = subCode,
        ResultMessage = message,
    };
}
