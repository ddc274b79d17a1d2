using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Core.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// <see cref="ICallSessionQuery"/> over the session documents <see cref="BlobCallSessionStore"/> writes (container
/// <c>sessions</c>, <c>{callId}.json</c>). Blob storage has no query by content, so a listing enumerates the container,
/// orders the blobs by last modification (newest first) and reads them in small parallel batches until
/// <c>limit</c> sessions of the tenant were found.
/// </summary>
/// <remarks>
/// Cost: one list request per 5,000 sessions plus one read per session examined; a tenant with few sessions among
/// many may cause every document to be read. Move sessions to a table with a tenant index before this matters.
/// Unreadable documents are skipped with a warning rather than failing the listing.
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
        var blobs = new List<BlobItem>();
        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (item.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                blobs.Add(item);
            }
        }

        blobs.Sort((a, b) => Nullable.Compare(b.Properties.LastModified, a.Properties.LastModified));
        var found = new List<CallSession>();
        for (var start = 0; start < blobs.Count && found.Count < limit; start += BatchSize)
        {
            var batch = blobs.Skip(start).Take(BatchSize).Select(b => ReadAsync(container.GetBlobClient(b.Name), cancellationToken));
            foreach (var session in await Task.WhenAll(batch).ConfigureAwait(false))
            {
                if (session is not null && (tenantId is null || string.Equals(session.TenantId, tenantId, StringComparison.Ordinal)))
                {
                    found.Add(session);
                }
            }
        }

        // Last-modified order is only a good guess at creation order; sort what was found by the real creation time.
        return found.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.CallId, StringComparer.Ordinal).Take(limit).ToList();
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
