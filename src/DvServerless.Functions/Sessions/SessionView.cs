using DvServerless.Core.Calls;

namespace DvServerless.Functions.Sessions;

/// <summary>A call session as the sessions API shows it (internal ids such as the ACS call connection stay out).</summary>
public sealed record SessionView(
    string CallId,
    string? TenantId,
    string Channel,
    string State,
    string? From,
    string? To,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The view of <paramref name="session"/>.</summary>
    public static SessionView Of(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(
            session.CallId, session.TenantId, session.Channel.ToString().ToLowerInvariant(), session.State.ToString().ToLowerInvariant(),
            session.From, session.To, session.CreatedAt, session.UpdatedAt, session.ConnectedAt, session.EndedAt, session.EndReason,
            session.Metadata);
    }
}
