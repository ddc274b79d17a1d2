using System.Collections.Concurrent;
using DvServerless.Core.Calls;
using DvServerless.Functions.Sip;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>A media worker that has room and takes every attach, unless told otherwise; records the attaches.</summary>
public sealed class FakeSipWorkerClient : ISipWorkerClient
{
    public bool HasRoom { get; set; } = true;

    public bool TakesAttach { get; set; } = true;

    /// <summary>When set, the capacity check throws it: the function fails between creating the session and deciding.</summary>
    public Exception? CapacityFailure { get; set; }

    /// <summary>The worker a capacity check with room names (the replica queue the attach must go to), or null.</summary>
    public string? SeatWorker { get; set; }

    public ConcurrentQueue<(string CallId, string SipCallId)> Attaches { get; } = new();

    /// <summary>The worker each attach was addressed to.</summary>
    public ConcurrentQueue<string?> AttachWorkers { get; } = new();

    /// <summary>Who each attached call belongs to, as the attach told the worker.</summary>
    public ConcurrentQueue<CallOwner> AttachOwners { get; } = new();

    public Task<SipWorkerAnswer> CheckCapacityAsync(string callId, CancellationToken cancellationToken) =>
        CapacityFailure is { } failure
            ? Task.FromException<SipWorkerAnswer>(failure)
            : Task.FromResult(new SipWorkerAnswer(HasRoom, 200, HasRoom ? "room" : "worker is full (50/50 SIP calls)", HasRoom ? SeatWorker : null));

    public Task<SipWorkerAnswer> AttachAsync(string callId, string sipCallId, string? worker, CallOwner owner, CancellationToken cancellationToken)
    {
        Attaches.Enqueue((callId, sipCallId));
        AttachWorkers.Enqueue(worker);
        AttachOwners.Enqueue(owner);
        return Task.FromResult(TakesAttach ? new SipWorkerAnswer(true, 202, "attaching") : new SipWorkerAnswer(false, 503, "the worker answered 503"));
    }
}
