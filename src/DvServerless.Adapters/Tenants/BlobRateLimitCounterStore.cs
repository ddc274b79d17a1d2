using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tenants;

/// <summary>
/// <see cref="IRateLimitCounterStore"/> on Blob storage, correct across instances: one tiny block blob per tenant per
/// window, <c>{tenant}/{yyyyMMddHHmm}</c> in the container (default <c>ratelimits</c>), holding the count as text.
/// Creation is conditional (<c>If-None-Match: *</c>) and every increment is a read followed by a write conditional on
/// the ETag, retried on conflict, so no increment is lost however many instances count at once.
/// </summary>
/// <remarks>
/// Costs two storage requests per API request (more under contention). Old window blobs are never read again; delete
/// them with a lifecycle-management rule on the container (e.g. after one day).
/// </remarks>
public sealed partial class BlobRateLimitCounterStore : IRateLimitCounterStore
{
    /// <summary>The default container name.</summary>
    public const string DefaultContainerName = "ratelimits";

    /// <summary>How many times one increment is tried before giving up.</summary>
    /// <remarks>A try fails only when another writer succeeded in between, so with N concurrent writers one loses at most N − 1 times.</remarks>
    public const int MaxAttempts = 64;

    private readonly LazyBlobContainer _container;
    private readonly ILogger<BlobRateLimitCounterStore> _logger;

    /// <summary>Creates the store over <paramref name="container"/> (created on first use).</summary>
    public BlobRateLimitCounterStore(BlobContainerClient container, ILogger<BlobRateLimitCounterStore> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(logger);
        _container = new LazyBlobContainer(container);
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<long> IncrementAsync(string tenantId, DateTimeOffset windowStart, CancellationToken cancellationToken = default)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            throw new ArgumentException("Invalid tenant id.", nameof(tenantId));
        }

        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient(BlobName(tenantId, windowStart));
        for (var attempt = 1; ; attempt++)
        {
            long count;
            BlobRequestConditions conditions;
            try
            {
                var current = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                count = long.Parse(current.Value.Content.ToString(), NumberStyles.None, CultureInfo.InvariantCulture) + 1;
                conditions = new BlobRequestConditions { IfMatch = current.Value.Details.ETag };
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                count = 1;
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await blob.UploadAsync(
                    BinaryData.FromBytes(Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture))),
                    new BlobUploadOptions { Conditions = conditions },
                    cancellationToken).ConfigureAwait(false);
                return count;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                LogConflict(tenantId, attempt);
                // Jittered backoff so that writers that collided do not collide again in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10) * Math.Min(attempt, 8)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The blob holding the counter of <paramref name="tenantId"/> for the window starting at <paramref name="windowStart"/>.</summary>
    public static string BlobName(string tenantId, DateTimeOffset windowStart) =>
        tenantId + "/" + windowStart.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Debug, Message = "Rate-limit counter of tenant {TenantId} changed under us (attempt {Attempt}); retrying.")]
    private partial void LogConflict(string tenantId, int attempt);
}
