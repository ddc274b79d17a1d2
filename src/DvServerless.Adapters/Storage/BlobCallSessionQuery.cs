using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Core.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// <see cref="ICallSessionQuery"/> over the session documents <see cref="BlobCallSessionStore"/> writes (container
/// <c>sessions</c>, <c>{callId}.json</c>). One listing with metadata gives every document's tenant and creation time
/// (<see cref="SessionIndexMetadata"/>), so only the newest <c>limit</c> documents of the tenant asked for are downloaded;
/// other tenants' documents are never opened.
/// </summary>
/// <remarks>
/// Cost: one list request per 5,000 sessions plus one read per session returned. Documents written before the index
/// existed carry no metadata: they are opened (newest modified first, in small parallel batches) until <c>limit</c> of
/// them match, as the listing did before. Unreadable documents are skipped with a warning rather than failing the listing.
/// </remarks>
public sealed partial class BlobCallSessionQuery : ICallSessionQuery
{
    /// <summary>How many documents are read at once.</summary>
    public const int BatchSize = 16;

    private readonly LazyBlobContainer _container;
    private readonly ILogger<BlobCallSessionQuery> _logger;

    /// <summary>Creates the query over the sessions container (created on first use).</summary>
    public BlobCallSessionQuery(BlobContainerClient sessions, ILogger<BlobCallSessionQuery> logger)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(logger);
        _container = new LazyBlobContainer(sessions);
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallSession>> ListAsync(string? tenantId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var indexed = new List<(string Name, DateTimeOffset CreatedAt)>();
        var unindexed = new List<BlobItem>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken).ConfigureAwait(false))
        {
            if (!item.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            if (!SessionIndexMetadata.TryRead(item.Metadata, out var index))
            {
                unindexed.Add(item);
            }
            else if (tenantId is null || string.Equals(index.TenantId, tenantId, StringComparison.Ordinal))
            {
                indexed.Add((item.Name, index.CreatedAt));
            }
        }

        indexed.Sort((a, b) => b.CreatedAt.CompareTo(a.CreatedAt));
        unindexed.Sort((a, b) => Nullable.Compare(b.Properties.LastModified, a.Properties.LastModified));
        var found = new List<CallSession>();
        await ReadMatchingAsync(container, indexed.Select(b => b.Name).ToList(), tenantId, limit, found, cancellationToken).ConfigureAwait(false);
        if (unindexed.Count > 0)
        {
            var legacy = new List<CallSession>();
            await ReadMatchingAsync(container, unindexed.Select(b => b.Name).ToList(), tenantId, limit, legacy, cancellationToken).ConfigureAwait(false);
            found.AddRange(legacy);
        }

        // Last-modified order is only a good guess at creation order; sort what was found by the real creation time.
        return found.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.CallId, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>Opens <paramref name="names"/> in order, a batch at a time, until <paramref name="limit"/> sessions of the tenant were found.</summary>
    private async Task ReadMatchingAsync(BlobContainerClient container, List<string> names, string? tenantId, int limit, List<CallSession> found, CancellationToken cancellationToken)
    {
        var start = 0;
        while (start < names.Count && found.Count < limit)
        {
            // A batch never reads more than still needed, so an indexed listing downloads exactly what it returns.
            var size = Math.Min(Math.Min(BatchSize, limit - found.Count), names.Count - start);
            var batch = names.GetRange(start, size).Select(name => ReadAsync(container.GetBlobClient(name), cancellationToken));
            start += size;
            foreach (var session in await Task.WhenAll(batch).ConfigureAwait(false))
            {
                // The tenant is checked on the document too: the metadata only decides what is worth opening.
                if (session is not null && (tenantId is null || string.Equals(session.TenantId, tenantId, StringComparison.Ordinal)))
                {
                    found.Add(session);
                }
            }
        }
    }

    private async Task<CallSession?> ReadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var response = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return response.Value.Content.ToObjectFromJson<CallSession>(StorageJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted since the listing.
            return null;
        }
        catch (JsonException e)
        {
            LogUnreadable(blob.Name, e.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Skipped the unreadable session document {BlobName}: {Reason}")]
    private partial void LogUnreadable(string blobName, string reason);
}
