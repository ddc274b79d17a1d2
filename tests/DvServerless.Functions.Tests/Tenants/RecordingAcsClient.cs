using System.Collections.Concurrent;
using DvServerless.Adapters.Acs;

namespace DvServerless.Functions.Tests.Tenants;

/// <summary>An ACS client that records answers, rejects and hang-ups.</summary>
public sealed class RecordingAcsClient : ICallAutomationClient
{
    private int _answers;

    public ConcurrentQueue<CallRejectReason> Rejects { get; } = new();

    public ConcurrentQueue<string> HangUps { get; } = new();

    public int Answers => _answers;

    public Task<CallConnectionProperties> AnswerCallAsync(AnswerCallRequest request, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _answers);
        return Task.FromResult(new CallConnectionProperties { CallConnectionId = "conn-" + n, CallConnectionState = "connecting" });
    }

    public Task RejectCallAsync(string incomingCallContext, CallRejectReason reason = CallRejectReason.None, CancellationToken cancellationToken = default)
    {
        Rejects.Enqueue(reason);
        return Task.CompletedTask;
    }

    public Task<CallConnectionProperties> GetCallAsync(string callConnectionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task HangUpAsync(string callConnectionId, CancellationToken cancellationToken = default)
    {
        HangUps.Enqueue(callConnectionId);
        return Task.CompletedTask;
    }

    public Task TerminateCallAsync(string callConnectionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task PlayAsync(string callConnectionId, PlayRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task StartMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task StopMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task TransferToParticipantAsync(string callConnectionId, string targetRawId, string? operationContext = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
