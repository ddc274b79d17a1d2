using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Core.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// <see cref="ICallSessionStore"/> on Blob storage: container <c>sessions</c>, one JSON blob <c>{callId}.json</c> per call.
/// Creation is conditional (<c>If-None-Match: *</c>) so two concurrent deliveries of one call create one session;
/// updates are read–modify–write guarded by the blob's ETag and retried on conflict. Every write also sets the blob's
/// index metadata (<see cref="SessionIndexMetadata"/>: tenant and creation time), so that
/// <see cref="BlobCallSessionQuery"/> lists a tenant's sessions from one listing without opening other tenants' documents,
/// and after every write keeps the <see cref="SessionIndexBlobs"/> (open-session marker, listing entries) in step.
/// </summary>
/// <remarks>
/// The index blobs are written after the document. A failure between the two (storage going away) leaves a session
/// uncounted or, for an ended one, counted until its marker goes stale (<c>Tenants:ActiveCalls:StaleAfter</c>); the next
/// update of the session puts them right.
/// </remarks>
public sealed partial class BlobCallSessionStore : ICallSessionStore
{
    /// <summary>How many times one update is tried before giving up.</summary>
    /// <remarks>
    /// A try fails only when another writer succeeded between its read and its write, so with N concurrent writers a
    /// writer loses at most N − 1 times; ten covers the handful of writers one call ever has (Functions callbacks,
    /// the worker) with room to spare.
    /// </remarks>
    public const int MaxUpdateAttempts = 10;

    private readonly LazyBlobContainer _container;
    private readonly ILogger<BlobCallSessionStore> _logger;

    /// <summary>Creates the store over <paramref name="container"/> (created on first use).</summary>
    public BlobCallSessionStore(BlobContainerClient container, ILogger<BlobCallSessionStore> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = new LazyBlobContainer(container);
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var blob = await GetBlobAsync(session.CallId, cancellationToken).ConfigureAwait(false);
        try
        {
            await blob.UploadAsync(
                Serialize(session),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = SessionIndexMetadata.Of(session),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // 409 BlobAlreadyExists / 412 ConditionNotMet: somebody created it first.
            return false;
        }

        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        await WriteEmptyAsync(container, SessionIndexBlobs.ListingName(null, session), null, cancellationToken).ConfigureAwait(false);
        await UpdateIndexAsync(container, session, tenantBefore: null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<CallSession?> GetAsync(string callId, CancellationToken cancellationToken = default)
    {
        var blob = await GetBlobAsync(callId, cancellationToken).ConfigureAwait(false);
        var read = await ReadAsync(blob, cancellationToken).ConfigureAwait(false);
        return read?.Session;
    }

    /// <inheritdoc />
    public async Task<CallSession?> UpdateAsync(string callId, Func<CallSession, bool> mutate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var blob = await GetBlobAsync(callId, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var read = await ReadAsync(blob, cancellationToken).ConfigureAwait(false);
            if (read is null)
            {
                return null;
            }

            var (session, etag) = read.Value;
            var tenantBefore = session.TenantId;
            if (!mutate(session))
            {
                return session;
            }

            try
            {
                await blob.UploadAsync(
                    Serialize(session),
                    new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfMatch = etag },
                        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                        // An upload replaces the metadata too, so it is written with every update (the tenant may be set late).
                        Metadata = SessionIndexMetadata.Of(session),
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < MaxUpdateAttempts)
            {
                LogUpdateConflict(callId, attempt);
                // Jittered backoff so that writers that collided do not collide again in lockstep.
                var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * Math.Min(attempt, 5));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Deleted between read and write.
                return null;
            }

            var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
            await UpdateIndexAsync(container, session, tenantBefore, cancellationToken).ConfigureAwait(false);
            return session;
        }
    }

    /// <summary>
    /// Brings the index blobs in step with <paramref name="session"/> as just written: the tenant's listing entry once it has
    /// a tenant, the open marker rewritten while the session is open (its age is the session's last write, which the
    /// counter's stale bound reads) and deleted when it becomes final.
    /// </summary>
    private static async Task UpdateIndexAsync(BlobContainerClient container, CallSession session, string? tenantBefore, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(session.TenantId) && !string.Equals(session.TenantId, tenantBefore, StringComparison.Ordinal))
        {
            await WriteEmptyAsync(container, SessionIndexBlobs.ListingName(session.TenantId, session), null, cancellationToken).ConfigureAwait(false);
        }

        if (!CallStateMachine.IsFinal(session.State))
        {
            await WriteEmptyAsync(container, SessionIndexBlobs.OpenName(session.CallId), SessionIndexMetadata.Of(session), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await container.GetBlobClient(SessionIndexBlobs.OpenName(session.CallId))
                .DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteEmptyAsync(BlobContainerClient container, string name, Dictionary<string, string>? metadata, CancellationToken cancellationToken) =>
        await container.GetBlobClient(name).UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = metadata }, cancellationToken).ConfigureAwait(false);

    private async Task<BlobClient> GetBlobAsync(string callId, CancellationToken cancellationToken)
    {
        CallIdFormat.ThrowIfInvalid(callId, nameof(callId));
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        return container.GetBlobClient(callId + ".json");
    }

    private static async Task<(CallSession Session, ETag ETag)?> ReadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var response = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var session = response.Value.Content.ToObjectFromJson<CallSession>(StorageJson.Options)
                ?? throw new JsonException($"The session document {blob.Name} is empty.");
            return (session, response.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static BinaryData Serialize(CallSession session) =>
        BinaryData.FromObjectAsJson(session, StorageJson.Options);

    [LoggerMessage(EventId = 2151, Level = LogLevel.Debug, Message = "Session {CallId} changed under us (attempt {Attempt}); retrying the update.")]
    private partial void LogUpdateConflict(string callId, int attempt);
}
