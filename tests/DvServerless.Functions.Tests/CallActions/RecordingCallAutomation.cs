using DvServerless.Adapters.Acs;

namespace DvServerless.Functions.Tests.CallActions;

/// <summary>
/// Call Automation as the call actions use it: records terminate and transfer requests; throws <see cref="Failure"/> when
/// set, for every call or only for <see cref="FailingConnection"/>.
/// </summary>
internal sealed class RecordingCallAutomation : ICallAutomationClient
{
    private readonly List<string> _requests = [];

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public Exception? Failure { get; set; }

    public string? FailingConnection { get; set; }

    public Task TerminateCallAsync(string callConnectionId, CancellationToken cancellationToken = default) =>
        Record(callConnectionId, $"terminate {callConnectionId}");

    public Task TransferToParticipantAsync(string callConnectionId, string targetRawId, string? operationContext = null, CancellationToken cancellationToken = default) =>
        Record(callConnectionId, $"transfer {callConnectionId} {targetRawId} {operationContext}");

    public Task<CallConnectionProperties> AnswerCallAsync(AnswerCallRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task RejectCallAsync(string incomingCallContext, CallRejectReason reason = CallRejectReason.None, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<CallConnectionProperties> GetCallAsync(string callConnectionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task HangUpAsync(string callConnectionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task PlayAsync(string callConnectionId, PlayRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task StartMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task StopMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private Task Record(string connection, string request)
    {
        if (Failure is { } failure && (FailingConnection is null || FailingConnection == connection))
        {
            return Task.FromException(failure);
        }

        lock (_requests)
        {
            _requests.Add(request);
        }

        return Task.CompletedTask;
    }
}
