using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Functions.Tenants;

namespace DvServerless.Functions.Records;

/// <summary>What the minutes header takes from a call's session.</summary>
internal static class CallMinutesInfo
{
    /// <summary>The header of <paramref name="session"/>'s minutes: tenant and parties (masked when rendered); the start comes from the record, whose times are relative to media start.</summary>
    public static MinutesCallInfo Of(CallSession session) => new(
        session.CallId,
        session.TenantId ?? RequestTenant.Default,
        new[] { session.From, session.To }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!).ToArray());

    /// <summary>The conference a call belongs to (session metadata <c>conferenceId</c>), if any.</summary>
    public static string? ConferenceOf(CallSession session) =>
        session.Metadata.TryGetValue("conferenceId", out var id) && !string.IsNullOrWhiteSpace(id) ? id : null;
}
