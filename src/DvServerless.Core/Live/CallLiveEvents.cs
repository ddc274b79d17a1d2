using DvServerless.Core.Calls;
using DvServerless.Core.Privacy;

namespace DvServerless.Core.Live;

/// <summary>
/// The live events made from a call's session, in whichever app changes it: <c>call:new</c> when the session is created,
/// <c>call:state</c> on each state change, <c>call:ended</c> when it reaches a final state. Parties and reasons are
/// masked; the tenant is the session's.
/// </summary>
public static class CallLiveEvents
{
    // An end reason is for an operator's glance; long upstream messages are cut.
    private const int MaxReasonLength = 200;

    /// <summary><c>call:new</c>: the call arrived (its session was created).</summary>
    public static LiveEvent New(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new LiveEvent
        {
            Type = LiveEventTypes.CallNew,
            CallId = session.CallId,
            TenantId = session.TenantId,
            At = session.CreatedAt,
            Channel = ChannelName(session.Channel),
            From = MaskParty(session.From),
            To = MaskParty(session.To),
        };
    }

    /// <summary><c>call:state</c>: the session moved to its current state.</summary>
    public static LiveEvent StateChanged(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new LiveEvent
        {
            Type = LiveEventTypes.CallState,
            CallId = session.CallId,
            TenantId = session.TenantId,
            At = session.UpdatedAt,
            Channel = ChannelName(session.Channel),
            State = session.State.ToString(),
        };
    }

    /// <summary><c>call:ended</c>: the session is final; <see cref="LiveEvent.State"/> is the end reason.</summary>
    public static LiveEvent Ended(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var endedAt = session.EndedAt ?? session.UpdatedAt;
        return new LiveEvent
        {
            Type = LiveEventTypes.CallEnded,
            CallId = session.CallId,
            TenantId = session.TenantId,
            At = endedAt,
            Channel = ChannelName(session.Channel),
            State = Reason(session),
            DurationMs = session.ConnectedAt is { } connectedAt ? (long)(endedAt - connectedAt).TotalMilliseconds : null,
        };
    }

    /// <summary><c>acs</c>, <c>sip</c> or <c>browser</c>.</summary>
    public static string ChannelName(CallChannel channel) => channel switch
    {
        CallChannel.Acs => "acs",
        CallChannel.Sip => "sip",
        CallChannel.Browser => "browser",
        _ => "unknown",
    };

    // Caller ids are raw ACS ids, SIP headers or E.164 numbers: masked the way the logs mask them.
    private static string? MaskParty(string? party) => string.IsNullOrEmpty(party) ? null : PiiMasker.Mask(party);

    private static string Reason(CallSession session)
    {
        var reason = string.IsNullOrWhiteSpace(session.EndReason) ? session.State.ToString() : PiiMasker.Mask(session.EndReason.Trim());
        return reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength] + "…";
    }
}
