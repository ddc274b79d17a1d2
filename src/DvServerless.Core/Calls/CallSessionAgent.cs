namespace DvServerless.Core.Calls;

/// <summary>
/// The named agent a call runs, as its session document records it: written by the Functions app (a browser session's
/// <c>expected_engine_id</c>, an ACS call to a number a named agent lists) and read by the media worker, which starts the
/// call with that agent. Absent means the default agent.
/// </summary>
public static class CallSessionAgent
{
    /// <summary>The session metadata key holding the agent id (<c>Agents:{id}</c>).</summary>
    public const string MetadataKey = "agent";

    /// <summary>The agent id <paramref name="session"/> records, or null for the default agent.</summary>
    public static string? Of(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Metadata.TryGetValue(MetadataKey, out var id) && !string.IsNullOrWhiteSpace(id) ? id : null;
    }
}
