using System.Globalization;
using DvServerless.Core.Calls;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// The blob metadata a session document carries so that a listing can filter and order sessions without downloading
/// them: <c>created</c> (UTC ticks of <see cref="CallSession.CreatedAt"/>, always present on indexed documents) and
/// <c>tenant</c> (only when the session has a tenant).
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

    /// <summary>The metadata to write with <paramref name="session"/>.</summary>
    public static Dictionary<string, string> Of(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [CreatedKey] = session.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
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
    public static bool TryRead(IDictionary<string, string>? metadata, out string? tenantId, out DateTimeOffset createdAt)
    {
        tenantId = null;
        createdAt = default;
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
        }

        if (created is null || !long.TryParse(created, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            tenantId = null;
            return false;
        }

        createdAt = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
