using DvServerless.Core.Calls;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Who a call belongs to and where it came from, as the worker knows it when media connects (from the session document):
/// what per-call observers (metrics, live events, traces) label it with.
/// </summary>
/// <param name="CallId">The gateway's call id.</param>
/// <param name="Channel">How the call arrived.</param>
/// <param name="TenantId">The owning tenant; null without tenants.</param>
/// <param name="From">The caller's raw id: untrusted, mask before showing or logging.</param>
/// <param name="To">The called party's raw id: untrusted, mask before showing or logging.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> the Functions app stored with the call, when it did.</param>
/// <param name="AgentId">The named agent the call runs (<c>Agents:{id}</c>); null for the default agent.</param>
public sealed record CallContext(string CallId, CallChannel Channel, string? TenantId = null, string? From = null, string? To = null, string? TraceParent = null,
    string? AgentId = null)
{
    /// <summary>The context of <paramref name="session"/>.</summary>
    public static CallContext Of(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        // A browser session's expected_engine_id or the agent an ACS call's number routes to; null runs the default agent.
        return new(session.CallId, session.Channel, session.TenantId, session.From, session.To, session.TraceParent, CallSessionAgent.Of(session));
    }
}
