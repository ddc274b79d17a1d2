namespace DvServerless.Core.Tenants;

/// <summary>The append-only audit log of API requests, one file per tenant per UTC day.</summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="entry"/> (its path is sanitised on the way in).</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The entries of <paramref name="tenantId"/> on <paramref name="day"/> (UTC), oldest first; empty when none.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(string tenantId, DateOnly day, CancellationToken cancellationToken = default);
}
