using System.Globalization;
using DvServerless.Core.Calls;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// The blob metadata a session document carries so that a listing can filter and order sessions without downloading
/// them: <c>created</c> (UTC ticks of <see cref="CallSession.CreatedAt"/>, always present on indexed documents),
/// <c>state</c> (the <see cref="CallState"/> name in lower case, as in the document) and <c>tenant</c> (only when the
/// session has a tenant).
/// </summary>
/// <remarks>
/// A document without <c>created</c> was written before the index existed; a listing must open it to learn its tenant.
/// Tenant ids are letters, digits, '-' and '_', so they are valid metadata values as they are.
/// </remarks>
public static class SessionIndexMetadata
{
    /// <summary>The metadata key of the creation time.</summary>
    public const string CreatedKey = "created";

    /// <summary>The metadata key of the tenant id.</summary>
    public const string TenantKey = "tenant";

    /// <summary>The metadata key of the call state.</summary>
    public const string StateKey = "state";

    /// <summary>The metadata to write with <paramref name="session"/>.</summary>
    public static Dictionary<string, string> Of(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [CreatedKey] = session.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            [StateKey] = session.State.ToString().ToLowerInvariant(),
        };
        if (!string.IsNullOrEmpty(session.TenantId))
        {
            metadata[TenantKey] = session.TenantId;
        }

        return metadata;
    }

    /// <summary>
    /// Reads a listed blob's index: false when the blob has none (a document from before the index), which a listing must
    /// then open. Keys are matched ignoring case: Blob storage treats metadata names case-insensitively.
    /// </summary>
    public static bool TryRead(IDictionary<string, string>? metadata, out SessionIndex index)
    {
        index = default;
        if (metadata is null || metadata.Count == 0)
        {
            return false;
        }

        string? created = null, tenant = null, state = null;
        foreach (var (key, value) in metadata)
        {
            if (string.Equals(key, CreatedKey, StringComparison.OrdinalIgnoreCase))
            {
                created = value;
            }
            else if (string.Equals(key, TenantKey, StringComparison.OrdinalIgnoreCase))
            {
                tenant = value;
            }
            else if (string.Equals(key, StateKey, StringComparison.OrdinalIgnoreCase))
            {
                state = value;
            }
        }

        if (created is null || !long.TryParse(created, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Enum.TryParse<CallState>(state, ignoreCase: true, out var callState) || !Enum.IsDefined(callState))
        {
            return false;
        }

        index = new SessionIndex(tenant, new DateTimeOffset(ticks, TimeSpan.Zero), callState);
        return true;
    }
}

/// <summary>What a session blob's metadata says of it (see <see cref="SessionIndexMetadata"/>).</summary>
/// <param name="TenantId">The session's tenant; null when it has none.</param>
/// <param name="CreatedAt">When the session was created.</param>
/// <param name="State">The session's state at its last write.</param>
public readonly record struct SessionIndex(string? TenantId, DateTimeOffset CreatedAt, CallState State);
