using DvServerless.Core.Calls;

namespace DvServerless.Functions.Records;

/// <summary>
/// Runs when a call ended (CallDisconnected applied, or delivered again; a SIP hang-up). Handlers must be idempotent:
/// the same end can be reported more than once.
/// </summary>
public interface ICallEndedHandler
{
    /// <summary>Handles the end of <paramref name="session"/> (its state is <see cref="CallState.Ended"/>, or <see cref="CallState.Failed"/> when its media was lost).</summary>
    Task OnCallEndedAsync(CallSession session, CancellationToken cancellationToken = default);
}
