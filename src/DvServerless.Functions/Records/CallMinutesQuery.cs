using DvServerless.Adapters.Minutes;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Records;

/// <summary>
/// Decides what <c>GET /api/calls/{callId}/minutes</c> answers. The owner of a call's minutes is the tenant of its
/// session; the <c>tenant</c> metadata written with the minutes must agree. A tenant sees only its own calls' minutes,
/// and everything it may not see — another tenant's call, a call with no session (unowned), minutes whose recorded
/// owner differs — answers exactly like an unknown call id, so call ids cannot be probed. The admin sees every call.
/// </summary>
public sealed class CallMinutesQuery
{
    private readonly MinutesService _minutes;
    private readonly ICallSessionStore _sessions;

    /// <summary>Creates the query.</summary>
    public CallMinutesQuery(MinutesService minutes, ICallSessionStore sessions)
    {
        _minutes = minutes;
        _sessions = sessions;
    }

    /// <summary>The minutes of <paramref name="callId"/> in <paramref name="format"/> as <paramref name="caller"/> may see them.</summary>
    public async Task<CallMinutesResult> GetAsync(TenantCaller caller, string callId, MinutesFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!CallIdFormat.IsValid(callId))
        {
            return CallMinutesResult.InvalidCallId;
        }

        if (!caller.IsAdmin)
        {
            var session = await _sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                // Unowned minutes (no session) are the admin's; to a tenant they look like an unknown call.
                return CallMinutesResult.NotReady;
            }

            if (!caller.CanAccess(session.TenantId))
            {
                return CallMinutesResult.Hidden;
            }
        }

        var file = await _minutes.GetAsync(callId, format, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return CallMinutesResult.NotReady;
        }

        if (!caller.IsAdmin && !string.Equals(file.TenantId, caller.TenantId, StringComparison.Ordinal))
        {
            // The session says the caller's, the minutes were written for someone else: trust the stricter answer.
            return CallMinutesResult.Hidden;
        }

        return new CallMinutesResult(CallMinutesOutcome.Found, file, BlobMinutesStore.Name(callId, format));
    }
}
