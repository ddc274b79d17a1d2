using DvServerless.Core.Calls;

namespace DvServerless.Functions.Sip;

/// <summary>The media worker as the <c>SipIncoming</c> function sees it: whether it has room, and "attach to this call".</summary>
public interface ISipWorkerClient
{
    /// <summary>Whether the worker can take one more SIP call now (false when full, draining or unreachable).</summary>
    Task<SipWorkerAnswer> CheckCapacityAsync(string callId, CancellationToken cancellationToken);

    /// <summary>
    /// Hands the accepted call to the worker, which attaches the sideband in the background: to <paramref name="worker"/>
    /// when the capacity check named one (<see cref="SipWorkerAnswer.Worker"/>), else to any worker with room.
    /// <paramref name="owner"/> (who the call belongs to) travels signed with it, for a worker that cannot read the session.
    /// </summary>
    Task<SipWorkerAnswer> AttachAsync(string callId, string sipCallId, string? worker, CallOwner owner, CancellationToken cancellationToken);
}
