using System.Text.Json.Serialization;

namespace DvServerless.Core.Tenants;

/// <summary>
/// One audit line: <c>{"ts":…,"tenantId":…,"method":…,"path":…,"status":…,"action":…,"id":…}</c>. It never holds keys,
/// tokens, query strings or full phone numbers: the audit log drops the query and masks the path.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>The tenant id used for requests whose caller is unknown (e.g. failed authentication).</summary>
    public const string AnonymousTenantId = "_anonymous";

    /// <summary>The tenant id used for the admin's own requests.</summary>
    public const string AdminTenantId = "_admin";

    /// <summary>When the request was handled (UTC).</summary>
    [JsonPropertyName("ts")]
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The caller's tenant, <see cref="AdminTenantId"/> or <see cref="AnonymousTenantId"/>.</summary>
    [JsonPropertyName("tenantId")]
    public required string TenantId { get; init; }

    /// <summary>The HTTP method.</summary>
    [JsonPropertyName("method")]
    public required string Method { get; init; }

    /// <summary>The request path, without query string, phone numbers masked.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The HTTP status returned.</summary>
    [JsonPropertyName("status")]
    public required int Status { get; init; }

    /// <summary>What the request amounted to.</summary>
    [JsonPropertyName("action")]
    public required AuditAction Action { get; init; }

    /// <summary>
    /// The line's own id (32 hex digits), given once before its first write: a storage write retried after a lost
    /// answer can land twice, and readers keep the first line of each id. Lines written before ids existed have none.
    /// </summary>
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EntryId { get; init; }

    /// <summary>This entry with an <see cref="EntryId"/> (itself when it has one): call once per entry, before its first write.</summary>
    public AuditEntry WithId() => EntryId is null ? this with { EntryId = Guid.NewGuid().ToString("N") } : this;
}
