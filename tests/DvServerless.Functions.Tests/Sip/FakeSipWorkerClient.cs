using System.Collections.Concurrent;
using DvServerless.Functions.Sip;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>A media worker that has room and takes every attach, unless told otherwise; records the attaches.</summary>
public sealed class FakeSipWorkerClient : ISipWorkerClient
{
    public bool HasRoom { get; set; } = true;

    public bool TakesAttach { get; set; } = true;

    public ConcurrentQueue<(string CallId, string SipCallId)> Attaches { get; } = new();

    public Task<SipWorkerAnswer> CheckCapacityAsync(string callId, CancellationToken cancellationToken) =>
        Task.FromResult(new SipWorkerAnswer(HasRoom, 200, HasRoom ? "room" : "worker is full (50/50 SIP calls)"));

    public Task<SipWorkerAnswer> AttachAsync(string callId, string sipCallId, CancellationToken cancellationToken)
    {
        Attaches.Enqueue((callId, sipCallId));
        return Task.FromResult(TakesAttach ? new SipWorkerAnswer(true, 202, "attaching") : new SipWorkerAnswer(false, 503, "the worker answered 503"));
    }
}
