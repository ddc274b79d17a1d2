using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Core.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// <see cref="ICallSessionQuery"/> over the session documents <see cref="BlobCallSessionStore"/> writes (container
/// <c>sessions</c>, <c>{callId}.json</c>). It lists the tenant's listing entries (<see cref="SessionIndexBlobs"/>, newest
/// first by name) and stops after <c>limit</c> of them, then opens only those documents: other tenants' sessions and older
/// ones are never listed or opened.
/// </summary>
/// <remarks>
/// Cost: one list request plus one read per session returned, whatever the number of sessions stored. The tenant is
/// checked on each document too. Unreadable or vanished documents are skipped (with a warning for the unreadable) rather
/// than failing the listing.
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
        var prefix = SessionIndexBlobs.ListingPrefix(tenantId);
        var names = new List<string>();
        await foreach (var page in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken)
            .AsPages(pageSizeHint: Math.Min(limit, 5000)).ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                if (SessionIndexBlobs.CallIdOfListing(prefix, item.Name) is { } callId && names.Count < limit)
                {
                    names.Add(callId + ".json");
                }
            }

            if (names.Count >= limit)
            {
                break;
            }
        }

        var found = new List<CallSession>();
        await ReadMatchingAsync(container, names, tenantId, limit, found, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <inheritdoc />
    /// <remarks>
    /// From the open-session markers: a marker left without an index by a failed write, or naming a final state, is skipped
    /// (the session's next write puts it right).
    /// </remarks>
    public async IAsyncEnumerable<OpenCallSession> ListOpenAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var marker in OpenSessionMarkers.ListAsync(container, cancellationToken).ConfigureAwait(false))
        {
            if (marker.Index is { } index && !CallStateMachine.IsFinal(index.State) && marker.LastModified is { } written)
            {
                yield return new OpenCallSession(marker.CallId, index.TenantId, index.State, written);
            }
        }
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
