using System.Collections.Concurrent;
using DvServerless.Adapters.Acs;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>Records answer requests; can hold answers until released (to overlap deliveries) or fail them.</summary>
public sealed class FakeCallAutomationClient : ICallAutomationClient
{
    private int _answers;

    public ConcurrentQueue<AnswerCallRequest> Answers { get; } = new();

    /// <summary>When set, every answer waits for this task first.</summary>
    public Task? HoldAnswersUntil { get; set; }

    /// <summary>When set, every answer throws it (after being recorded).</summary>
    public Exception? AnswerFailure { get; set; }

    public async Task<CallConnectionProperties> AnswerCallAsync(AnswerCallRequest request, CancellationToken cancellationToken = default)
    {
        Answers.Enqueue(request);
        var n = Interlocked.Increment(ref _answers);
        if (HoldAnswersUntil is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        if (AnswerFailure is { } failure)
        {
            throw failure;
        }

        return new CallConnectionProperties { CallConnectionId = "conn-" + n, CallConnectionState = "connecting" };
    }

    public Task RejectCallAsync(string incomingCallContext, CallRejectReason reason = CallRejectReason.None, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<CallConnectionProperties> GetCallAsync(string callConnectionId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task HangUpAsync(string callConnectionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task TerminateCallAsync(string callConnectionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task PlayAsync(string callConnectionId, PlayRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task StartMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task StopMediaStreamingAsync(string callConnectionId, string? operationContext = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task TransferToParticipantAsync(string callConnectionId, string targetRawId, string? operationContext = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
