using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Privacy;
using DvServerless.MediaWorker.Calls;

namespace DvServerless.MediaWorker.Sip;

/// <summary>
/// <see cref="ICallControl"/> for one SIP call: hang-up and transfer (SIP REFER) through OpenAI's call control by the
/// call's <c>rtc_…</c> id, so the sideband runs the agent's tools through the same handlers as every other call.
/// </summary>
internal sealed class SipCallControl(IRealtimeCallControl control, string sipCallId) : ICallControl
{
    /// <summary>The masked target once a transfer was accepted: the call has left the agent.</summary>
    public string? TransferredTo { get; private set; }

    /// <inheritdoc />
    public async ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken) =>
        await control.HangUpAsync(sipCallId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> TransferAsync(string callId, string? target, CancellationToken cancellationToken)
    {
        // The sideband always passes its configured target (Sip:TransferTarget); SIP has no other to fall back to.
        if (string.IsNullOrWhiteSpace(target))
        {
            return false;
        }

        var refer = await control.ReferAsync(sipCallId, target, cancellationToken).ConfigureAwait(false);
        if (refer.IsOk)
        {
            TransferredTo = PiiMasker.Mask(target);
        }

        return refer.IsOk;
    }
}
