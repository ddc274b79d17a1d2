using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Core.Minutes;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// Rendered minutes in Blob storage: container <c>minutes</c>, <c>{callId}.{txt|md|json|srt}</c>, plus a marker
/// <c>{callId}.rendering</c> created with <c>If-None-Match: *</c> so that exactly one renderer claims a call.
/// </summary>
public sealed class BlobMinutesStore
{
    private readonly LazyBlobContainer _container;

    /// <summary>Creates the store over <paramref name="container"/> (created on first use).</summary>
    public BlobMinutesStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = new LazyBlobContainer(container);
    }

    /// <summary>
    /// Claims the rendering of <paramref name="callId"/>: true for exactly one caller. A claim older than
    /// <paramref name="staleAfter"/> whose minutes never appeared (the renderer died) can be taken over.
    /// </summary>
    public async Task<bool> TryClaimAsync(string callId, DateTimeOffset now, TimeSpan staleAfter, CancellationToken cancellationToken = default)
    {
        CallIdFormat.ThrowIfInvalid(callId, nameof(callId));
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var marker = container.GetBlobClient(callId + ".rendering");
        var stamp = BinaryData.FromString(now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await marker.UploadAsync(stamp, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
        }

        if (await ExistsAsync(callId, MinutesFormat.Json, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            var current = (await marker.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            if (!long.TryParse(current.Content.ToString(), out var ms) || now - DateTimeOffset.FromUnixTimeMilliseconds(ms) < staleAfter)
            {
                return false;
            }

            // Take over with the ETag we read: of several takers only one wins.
            await marker.UploadAsync(stamp, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = current.Details.ETag } }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Writes one rendered file unless it already exists (<c>If-None-Match: *</c>); returns false when it did.</summary>
    public async Task<bool> WriteAsync(string callId, MinutesFormat format, string content, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        CallIdFormat.ThrowIfInvalid(callId, nameof(callId));
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = MinutesRenderer.ContentTypeOf(format) },
            Metadata = tenantId is null ? null : new Dictionary<string, string> { ["tenant"] = tenantId },
        };
        try
        {
            await container.GetBlobClient(Name(callId, format)).UploadAsync(BinaryData.FromString(content), options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Reads a rendered file with its content type and owning tenant, or null while it does not exist.</summary>
    public async Task<MinutesFile?> ReadAsync(string callId, MinutesFormat format, CancellationToken cancellationToken = default)
    {
        if (!CallIdFormat.IsValid(callId))
        {
            return null;
        }

        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var download = (await container.GetBlobClient(Name(callId, format)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            var tenant = download.Details.Metadata is { } metadata && metadata.TryGetValue("tenant", out var owner) ? owner : null;
            return new MinutesFile(download.Content.ToArray(), download.Details.ContentType ?? MinutesRenderer.ContentTypeOf(format), tenant);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Whether a rendered file exists.</summary>
    public async Task<bool> ExistsAsync(string callId, MinutesFormat format, CancellationToken cancellationToken = default)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        return (await container.GetBlobClient(Name(callId, format)).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>The blob name of a rendered file.</summary>
    public static string Name(string callId, MinutesFormat format) => callId + "." + MinutesRenderer.ExtensionOf(format);
}
