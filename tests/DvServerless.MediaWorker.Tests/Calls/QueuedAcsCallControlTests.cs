using DvServerless.Adapters.CallActions;
using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// The worker holds no ACS access: an ACS call's hang-up and transfer become requests to the Functions app, carrying the
/// call's tenant and never a number; calls without an ACS connection are left to their own leg.
/// </summary>
public sealed class QueuedAcsCallControlTests
{
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly RecordingSender _sender = new();

    private QueuedAcsCallControl Control() => new(_sender, _sessions, NullLogger<QueuedAcsCallControl>.Instance);

    [Fact]
    public async Task An_acs_calls_hang_up_and_transfer_are_asked_of_the_functions_app_with_its_tenant_and_no_target()
    {
        await _sessions.TryCreateAsync(new CallSession { CallId = "call-1", Channel = CallChannel.Acs, CallConnectionId = "conn-1", TenantId = "contoso" });
        var transfer = new TransferToolHandler(Control(), target: null, offered: true);

        await Control().HangUpAsync("call-1", new string('r', 500), default);
        var result = await transfer.InvokeAsync("call-1", "{\"reason\":\"call +14255550123\"}", default);

        Assert.True(transfer.IsAvailable);
        Assert.Contains("\"ok\":true", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, _sender.Sent.Count);
        Assert.Equal(new CallActionMessage("call-1", CallActionKind.HangUp, new string('r', CallActionMessage.MaxReasonLength), "contoso"), _sender.Sent[0]);
        Assert.Equal(CallActionKind.Transfer, _sender.Sent[1].Action);
        Assert.DoesNotContain("+1", _sender.Sent[1].ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_without_an_acs_connection_send_nothing_and_a_transfer_fails()
    {
        await _sessions.TryCreateAsync(new CallSession { CallId = "call-browser", Channel = CallChannel.Browser });
        await _sessions.TryCreateAsync(new CallSession { CallId = "call-ringing", Channel = CallChannel.Acs });

        await Control().HangUpAsync("call-browser", "end_call", default);
        await Control().HangUpAsync("call-missing", "end_call", default);
        Assert.False(await Control().TransferAsync("call-ringing", null, default));

        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task A_request_storage_refuses_fails_the_transfer_instead_of_promising_it()
    {
        await _sessions.TryCreateAsync(new CallSession { CallId = "call-1", Channel = CallChannel.Acs, CallConnectionId = "conn-1" });
        _sender.Failure = new Azure.RequestFailedException(403, "AuthorizationPermissionMismatch");

        Assert.False(await Control().TransferAsync("call-1", null, default));
    }

    [Fact]
    public void The_transfer_tool_is_offered_only_when_the_deployment_says_so()
    {
        Assert.False(new TransferToolHandler(Control(), target: null, offered: false).IsAvailable);
        Assert.False(new TransferToolHandler(new LoggingCallControl(NullLogger<LoggingCallControl>.Instance), target: null, offered: true).IsAvailable);
        // SIP: offered when its own target is set.
        Assert.True(new TransferToolHandler(Control(), "tel:+14155550123").IsAvailable);
        Assert.False(new TransferToolHandler(Control(), " ").IsAvailable);
    }

    private sealed class RecordingSender : ICallActionSender
    {
        public List<CallActionMessage> Sent { get; } = [];

        public Exception? Failure { get; set; }

        public Task SendAsync(CallActionMessage message, CancellationToken cancellationToken)
        {
            if (Failure is { } failure)
            {
                return Task.FromException(failure);
            }

            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
