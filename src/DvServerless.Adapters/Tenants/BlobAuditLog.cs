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

namespace DvServerless.Adapters.Tenants;

/// <summary>
/// <see cref="IAuditLog"/> on Blob storage: append blobs <c>{tenant}/{yyyy-MM-dd}.jsonl</c> (UTC day of the entry) in
/// the container (default <c>audit</c>), one JSON line per request, created on first append. Before writing, the
/// query string is dropped from the path (it may hold a function key <c>?code=</c> or a token) and phone numbers in
/// it are masked with <see cref="PiiMasker"/>; entries hold nothing else that could carry a secret.
/// An append blob holds at most 50,000 blocks (one per line here): when a day's blob is full the log rolls over to
/// <c>{tenant}/{yyyy-MM-dd}.1.jsonl</c>, <c>.2.jsonl</c> and so on, and <see cref="ReadAsync"/> reads every part in order,
/// so a busy tenant (or a flood of failed logins) cannot silence the audit for the rest of the day.
/// Each line carries an <see cref="AuditEntry.EntryId"/>: the storage client retries an append whose answer was lost,
/// and that append may have landed, so one request can leave two lines; <see cref="ReadAsync"/> keeps the first of each id.
/// </summary>
public sealed partial class BlobAuditLog : IAuditLog
{
    /// <summary>The default container name.</summary>
    public const string DefaultContainerName = "audit";

    /// <summary>Paths longer than this are cut (a path is not a place to store data).</summary>
    public const int MaxPathLength = 512;

    /// <summary>The most blocks Azure Storage lets one append blob hold.</summary>
    public const int MaxBlocksPerBlob = 50_000;

    private const string BlockCountExceeded = "BlockCountExceedsLimit";

    private readonly LazyBlobContainer _container;
    private readonly ILogger<BlobAuditLog> _logger;

    // Blobs this process has created or seen, so each append is one request rather than create + append.
    private readonly ConcurrentDictionary<string, bool> _existing = new(StringComparer.Ordinal);

    // The part of each tenant's day currently written to (absent: part 0).
    private readonly ConcurrentDictionary<string, int> _parts = new(StringComparer.Ordinal);
    private readonly int _maxBlocksPerBlob;

    /// <summary>Creates the log over <paramref name="container"/> (created on first use).</summary>
    public BlobAuditLog(BlobContainerClient container, ILogger<BlobAuditLog> logger)
        : this(container, logger, MaxBlocksPerBlob)
    {
    }

    /// <summary>Creates the log, rolling over to a new blob after <paramref name="maxBlocksPerBlob"/> lines (tests use a small number).</summary>
    public BlobAuditLog(BlobContainerClient container, ILogger<BlobAuditLog> logger, int maxBlocksPerBlob)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlocksPerBlob, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBlocksPerBlob, MaxBlocksPerBlob);
        _container = new LazyBlobContainer(container);
        _logger = logger;
        _maxBlocksPerBlob = maxBlocksPerBlob;
    }

    /// <inheritdoc />
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var tenant = AuditTenantOf(entry.TenantId);
        var sanitized = entry.WithId() with
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

        var day = DateOnly.FromDateTime(sanitized.Timestamp.UtcDateTime);
        var dayKey = BlobName(tenant, day);
        for (var attempt = 0; ; attempt++)
        {
            var part = _parts.GetValueOrDefault(dayKey);
            var blobName = BlobName(tenant, day, part);
            var count = await AppendToPartAsync(blobName, bytes, cancellationToken).ConfigureAwait(false);
            if (count is { } committed)
            {
                if (committed >= _maxBlocksPerBlob)
                {
                    // Full now: the next line goes to the next part.
                    _parts.AddOrUpdate(dayKey, part + 1, (_, current) => Math.Max(current, part + 1));
                }

                return;
            }

            // The part was full already (another instance filled it, or this process restarted): move on.
            LogRolledOver(blobName);
            _parts.AddOrUpdate(dayKey, part + 1, (_, current) => Math.Max(current, part + 1));
            if (attempt >= 1000)
            {
                throw new InvalidOperationException("The audit log found no append blob with room for the line.");
            }
        }
    }

    // The committed block count after appending, or null when the blob is full.
    private async Task<int?> AppendToPartAsync(string name, byte[] bytes, CancellationToken cancellationToken)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var blob = container.GetAppendBlobClient(name);
        if (!_existing.ContainsKey(name))
        {
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _existing[name] = true;
        }

        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return (await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Value.BlobCommittedBlockCount;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlockCountExceeded)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted behind our back (retention, or the container was recreated): create again, append once more.
            LogRecreated(name);
            await _container.GetAsync(cancellationToken).ConfigureAwait(false);
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var stream = new MemoryStream(bytes, writable: false);
            return (await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Value.BlobCommittedBlockCount;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string tenantId, DateOnly day, CancellationToken cancellationToken = default)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var part = 0; ; part++)
        {
            var blob = container.GetBlobClient(BlobName(AuditTenantOf(tenantId), day, part));
            BinaryData content;
            try
            {
                content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return entries;
            }

            foreach (var line in content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    // A retried append can repeat a line, also across a rollover (the id is kept on the next part).
                    if (JsonSerializer.Deserialize<AuditEntry>(line) is { } entry && (entry.EntryId is null || seen.Add(entry.EntryId)))
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
        }
    }

    /// <summary>The blob holding the entries of <paramref name="tenantId"/> on <paramref name="day"/>.</summary>
    public static string BlobName(string tenantId, DateOnly day) => BlobName(tenantId, day, 0);

    /// <summary>The blob of part <paramref name="part"/> (0 is the first) of <paramref name="tenantId"/>'s entries on <paramref name="day"/>.</summary>
    public static string BlobName(string tenantId, DateOnly day, int part) =>
        tenantId + "/" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        + (part == 0 ? string.Empty : "." + part.ToString(CultureInfo.InvariantCulture)) + ".jsonl";

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

    [LoggerMessage(EventId = 5233, Level = LogLevel.Information, Message = "Audit blob {Name} is full; rolled over to the next part.")]
    private partial void LogRolledOver(string name);

    [LoggerMessage(EventId = 5232, Level = LogLevel.Warning, Message = "Audit blob {Name} holds a line that is not an audit entry; skipped.")]
    private partial void LogUnreadableLine(string name);
}
