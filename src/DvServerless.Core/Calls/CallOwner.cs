namespace DvServerless.Core.Calls;

/// <summary>
/// Who a call belongs to: what the worker needs to run the call as its session says when it cannot read the session
/// (storage slow or out as media connects or the sideband attaches). The Functions app signs it into the call's ACS media
/// token and SIP attach token, and puts it in a SIP attach sent by queue.
/// </summary>
/// <param name="TenantId">The owning tenant; null without tenants.</param>
/// <param name="AgentId">The named agent the call runs (<c>Agents:{id}</c>); null for the default agent.</param>
/// <param name="ProjectTenantId">
/// For a SIP call, the tenant whose OpenAI project announced it (and whose key steers it); null for the worker's own project.
/// </param>
public readonly record struct CallOwner(string? TenantId, string? AgentId, string? ProjectTenantId = null)
{
    /// <summary>The session metadata key holding the tenant whose webhook secret verified a SIP call (absent: the gateway's).</summary>
    public const string ProjectTenantMetadataKey = "openai.project_tenant";

    /// <summary>Who <paramref name="session"/> records the call belongs to.</summary>
    public static CallOwner Of(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(session.TenantId, CallSessionAgent.Of(session), session.Metadata.GetValueOrDefault(ProjectTenantMetadataKey));
    }
}
