using Azure;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.CallActions;
using DvServerless.Core.Calls;
using DvServerless.Functions.CallActions;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.CallActions;

/// <summary>
/// The Functions app acts on the media worker's requests only for an answered ACS call of the same tenant, transfers only
/// to its own configured target, and reports an ACS failure as one to try again.
/// </summary>
public sealed class CallActionServiceTests
{
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly RecordingCallAutomation _acs = new();
    private readonly AcsOptions _options = new() { TransferTarget = "+14255550123" };

    private CallActionService Service() => new(_sessions, _acs, Options.Create(_options), NullLogger<CallActionService>.Instance);

    private async Task AddAsync(string callId, CallChannel channel = CallChannel.Acs, string? connection = "conn-1", string? tenant = "contoso",
        CallState state = CallState.Connected) =>
        Assert.True(await _sessions.TryCreateAsync(new CallSession { CallId = callId, Channel = channel, CallConnectionId = connection, TenantId = tenant, State = state }));

    [Fact]
    public async Task A_hang_up_terminates_the_calls_acs_connection()
    {
        await AddAsync("call-1");

        var outcome = await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.HangUp, "end_call", "contoso"), default);

        Assert.Equal(CallActionOutcome.Done, outcome);
        Assert.Equal(["terminate conn-1"], _acs.Requests);
    }

    [Fact]
    public async Task A_transfer_goes_to_the_functions_apps_configured_target()
    {
        await AddAsync("call-1");

        var outcome = await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.Transfer, "transfer tool", "contoso"), default);

        Assert.Equal(CallActionOutcome.Done, outcome);
        Assert.Equal(["transfer conn-1 +14255550123 agent-transfer"], _acs.Requests);
    }

    [Fact]
    public async Task An_unknown_call_is_refused_and_nothing_reaches_acs()
    {
        Assert.Equal(CallActionOutcome.UnknownCall, await Service().ExecuteAsync(new CallActionMessage("call-missing", CallActionKind.HangUp), default));
        Assert.Empty(_acs.Requests);
    }

    [Theory]
    [InlineData(CallChannel.Browser)]
    [InlineData(CallChannel.Sip)]
    public async Task A_call_on_another_channel_is_refused(CallChannel channel)
    {
        await AddAsync("call-1", channel);

        Assert.Equal(CallActionOutcome.NotAcs, await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.HangUp, TenantId: "contoso"), default));
        Assert.Empty(_acs.Requests);
    }

    [Fact]
    public async Task A_call_without_a_connection_is_refused_and_an_ended_one_is_not_transferred()
    {
        await AddAsync("call-ringing", connection: null, state: CallState.Ringing);
        await AddAsync("call-ended", state: CallState.Ended);

        Assert.Equal(CallActionOutcome.NoConnection, await Service().ExecuteAsync(new CallActionMessage("call-ringing", CallActionKind.HangUp, TenantId: "contoso"), default));
        Assert.Equal(CallActionOutcome.NoConnection, await Service().ExecuteAsync(new CallActionMessage("call-ended", CallActionKind.Transfer, TenantId: "contoso"), default));
        Assert.Empty(_acs.Requests);
    }

    [Fact]
    public async Task A_hang_up_reaches_acs_even_when_the_worker_already_ended_the_session()
    {
        // The worker marks the session Ended right after asking (its call-end bookkeeping), often before this runs.
        await AddAsync("call-1", state: CallState.Ended);

        Assert.Equal(CallActionOutcome.Done, await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.HangUp, "drain", "contoso"), default));
        Assert.Equal(["terminate conn-1"], _acs.Requests);
    }

    [Theory]
    [InlineData("fabrikam")]
    [InlineData(null)]
    public async Task A_request_naming_another_tenant_is_refused(string? tenant)
    {
        await AddAsync("call-1");

        Assert.Equal(CallActionOutcome.TenantMismatch, await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.HangUp, TenantId: tenant), default));
        Assert.Empty(_acs.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public async Task A_transfer_without_a_configured_target_is_refused(string? target)
    {
        _options.TransferTarget = target;
        await AddAsync("call-1");

        Assert.Equal(CallActionOutcome.NoTransferTarget, await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.Transfer, TenantId: "contoso"), default));
        Assert.Empty(_acs.Requests);
    }

    [Fact]
    public async Task An_acs_failure_is_reported_to_be_tried_again()
    {
        await AddAsync("call-1");
        _acs.Failure = new RequestFailedException(503, "Service unavailable");

        Assert.Equal(CallActionOutcome.Failed, await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.HangUp, TenantId: "contoso"), default));
        _acs.Failure = new HttpRequestException("connection refused");
        Assert.Equal(CallActionOutcome.Failed, await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.Transfer, TenantId: "contoso"), default));
    }

    [Fact]
    public async Task A_call_acs_no_longer_knows_is_not_tried_again()
    {
        await AddAsync("call-1");
        _acs.Failure = new RequestFailedException(404, "Call not found");

        Assert.Equal(CallActionOutcome.NoConnection, await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.HangUp, TenantId: "contoso"), default));
    }

    [Fact]
    public async Task The_queue_handler_drops_poison_deletes_refusals_and_keeps_failures()
    {
        var handler = new CallActionQueueHandler(Service(), NullLogger<CallActionQueueHandler>.Instance);
        await AddAsync("call-1");
        var hangUp = new CallActionMessage("call-1", CallActionKind.HangUp, TenantId: "contoso").ToJson();

        // Poison: handled (deleted), nothing reaches ACS.
        Assert.True(await handler.HandleAsync("""{"v":1,"callId":"call-1","action":"dial"}""", 1, default));
        Assert.True(await handler.HandleAsync("""{"v":1,"action":"hangUp"}""", 1, default));
        Assert.True(await handler.HandleAsync(hangUp, CallActionQueueDefaults.MaxDequeueCount + 1, default));
        Assert.Empty(_acs.Requests);

        // A refusal is done with too; a failure comes back.
        Assert.True(await handler.HandleAsync(new CallActionMessage("call-other", CallActionKind.HangUp).ToJson(), 1, default));
        _acs.Failure = new RequestFailedException(500, "boom");
        Assert.False(await handler.HandleAsync(hangUp, 1, default));
        _acs.Failure = null;
        Assert.True(await handler.HandleAsync(hangUp, 2, default));
        Assert.Equal(["terminate conn-1"], _acs.Requests);
    }
}
