using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Privacy;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tenancy;

/// <summary>
/// <see cref="IAuditLog"/> on Blob storage: append blobs <c>{tenant}/{yyyy-MM-dd}.jsonl</c> (UTC day of the entry) in
/// the container (default <c>audit</c>), one JSON line per request, created on first append. Before writing, the
/// query string is dropped from the path (it may hold a function key <c>?code=</c> or a token) and phone numbers in
/// it are masked with <see cref="PiiMasker"/>; entries hold nothing else that could carry a secret.
/// </summary>
public sealed partial class BlobAuditLog : IAuditLog
{
    /// <summary>The default container name.</summary>
    public const string DefaultContainerName = "audit";

    /// <summary>Paths longer than this are cut (a path is not a place to store data).</summary>
    public const int MaxPathLength = 512;

    private readonly LazyBlobContainer _container;
    private readonly ILogger<BlobAuditLog> _logger;

    // Blobs this process has created or seen, so each append is one request rather than create + append.
    private readonly ConcurrentDictionary<string, bool> _existing = new(StringComparer.Ordinal);

    /// <summary>Creates the log over <paramref name="container"/> (created on first use).</summary>
    public BlobAuditLog(BlobContainerClient container, ILogger<BlobAuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(logger);
        _container = new LazyBlobContainer(container);
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var tenant = AuditTenantOf(entry.TenantId);
        var sanitized = entry with
        {
            TenantId = tenant,
            Timestamp = entry.Timestamp.ToUniversalTime(),
            Method = Sanitize(entry.Method, 16),
            Path = SanitizePath(entry.Path),
        };

        var line = JsonSerializer.SerializeToUtf8Bytes(sanitized);
        var bytes = new byte[line.Length + 1];
        line.CopyTo(bytes, 0);
        bytes[^1] = (byte)'\n';

        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var name = BlobName(tenant, DateOnly.FromDateTime(sanitized.Timestamp.UtcDateTime));
        var blob = container.GetAppendBlobClient(name);
        if (!_existing.ContainsKey(name))
        {
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _existing[name] = true;
        }

        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted behind our back (retention, or the container was recreated): create again, append once more.
            LogRecreated(name);
            await _container.GetAsync(cancellationToken).ConfigureAwait(false);
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var stream = new MemoryStream(bytes, writable: false);
            await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string tenantId, DateOnly day, CancellationToken cancellationToken = default)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient(BlobName(AuditTenantOf(tenantId), day));
        BinaryData content;
        try
        {
            content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }

        var entries = new List<AuditEntry>();
        foreach (var line in content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                if (JsonSerializer.Deserialize<AuditEntry>(line) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // A torn or foreign line must not hide the rest of the day.
                LogUnreadableLine(blob.Name);
            }
        }

        return entries;
    }

    /// <summary>The blob holding the entries of <paramref name="tenantId"/> on <paramref name="day"/>.</summary>
    public static string BlobName(string tenantId, DateOnly day) =>
        tenantId + "/" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".jsonl";

    /// <summary>The path as it is audited: without query string or fragment, phone numbers masked, at most <see cref="MaxPathLength"/> characters.</summary>
    public static string SanitizePath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        var end = path.AsSpan().IndexOfAny('?', '#');
        var bare = end >= 0 ? path[..end] : path;
        return Sanitize(PiiMasker.Mask(bare), MaxPathLength);
    }

    private static string AuditTenantOf(string? tenantId) =>
        tenantId is AuditEntry.AdminTenantId or AuditEntry.AnonymousTenantId ? tenantId
        : TenantIds.IsValid(tenantId) ? tenantId! : AuditEntry.AnonymousTenantId;

    private static string Sanitize(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (var c in value)
        {
            if (builder.Length == maxLength)
            {
                break;
            }

            // Control characters would let a caller forge lines in tools that read the log as text.
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    [LoggerMessage(EventId = 5231, Level = LogLevel.Warning, Message = "Audit blob {Name} was missing on append; created it again.")]
    private partial void LogRecreated(string name);

    [LoggerMessage(EventId = 5232, Level = LogLevel.Warning, Message = "Audit blob {Name} holds a line that is not an audit entry; skipped.")]
    private partial void LogUnreadableLine(string name);
}
