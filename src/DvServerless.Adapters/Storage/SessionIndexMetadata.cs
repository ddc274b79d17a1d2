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
    /// Reads a listed blob's index: false when the blob has none (a document from before the index). The metadata
    /// dictionary of a listing is keyed case-insensitively by the SDK only sometimes, so keys are matched ignoring case.
    /// </summary>
    public static bool TryRead(IDictionary<string, string>? metadata, out string? tenantId, out DateTimeOffset createdAt) =>
        TryRead(metadata, out tenantId, out createdAt, out _);

    /// <summary>
    /// As <see cref="TryRead(IDictionary{string, string}?, out string?, out DateTimeOffset)"/>, also giving the state
    /// (null on documents indexed before the state was).
    /// </summary>
    public static bool TryRead(IDictionary<string, string>? metadata, out string? tenantId, out DateTimeOffset createdAt, out string? state)
    {
        tenantId = null;
        createdAt = default;
        state = null;
        if (metadata is null || metadata.Count == 0)
        {
            return false;
        }

        string? created = null;
        foreach (var (key, value) in metadata)
        {
            if (string.Equals(key, CreatedKey, StringComparison.OrdinalIgnoreCase))
            {
                created = value;
            }
            else if (string.Equals(key, TenantKey, StringComparison.OrdinalIgnoreCase))
            {
                tenantId = value;
            }
            else if (string.Equals(key, StateKey, StringComparison.OrdinalIgnoreCase))
            {
                state = value;
            }
        }

        if (created is null || !long.TryParse(created, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            tenantId = null;
            state = null;
            return false;
        }

        createdAt = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
