using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Adapters.Storage;

namespace DvServerless.Functions.Records;

/// <summary>
/// Conference manifests in Blob storage (container <c>conferences</c>, <c>{tenant}/{confId}.json</c>: conference ids
/// are per tenant, so one tenant can neither read nor squat another's), changed with ETag conditions so concurrent
/// joins never lose a call. External transcript segments of a conference are kept as the call record
/// <see cref="ExternalRecordId"/>; rendered conference minutes are cached next to the manifest.
/// </summary>
public sealed class BlobConferenceStore
{
    /// <summary>The Blob container.</summary>
    public const string ContainerName = "conferences";

    /// <summary>The longest conference id.</summary>
    public const int MaxIdLength = 100;

    private const string FingerprintMetadata = "fingerprint";

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    private readonly BlobContainerClient _container;
    private int _created;

    /// <summary>Creates the store over <paramref name="container"/>.</summary>
    public BlobConferenceStore(BlobContainerClient container) => _container = container;

    /// <summary>Whether <paramref name="conferenceId"/> is a usable id.</summary>
    public static bool IsValidId(string? conferenceId) => CallIdFormat.IsValid(conferenceId) && conferenceId!.Length <= MaxIdLength;

    /// <summary>
    /// The call-record id under which the externally submitted segments of a tenant's conference are appended: a hash of
    /// tenant and conference, so two tenants' conferences of the same name never share a record (tenant and conference
    /// ids use the same characters, so no separator could keep a plain concatenation apart).
    /// </summary>
    public static string ExternalRecordId(string tenantId, string conferenceId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenantId + "/" + conferenceId));
        return "conf-ext-" + Convert.ToHexStringLower(hash.AsSpan(0, 20));
    }

    /// <summary>The blob name of a tenant's conference manifest.</summary>
    public static string ManifestName(string tenantId, string conferenceId) => tenantId + "/" + conferenceId + ".json";

    /// <summary>Reads a manifest of <paramref name="tenantId"/>, or null when that tenant has no such conference.</summary>
    public async Task<ConferenceManifest?> GetAsync(string tenantId, string conferenceId, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(conferenceId) || !CallIdFormat.IsValid(tenantId))
        {
            return null;
        }

        return (await ReadAsync(ManifestName(tenantId, conferenceId), cancellationToken).ConfigureAwait(false))?.Manifest;
    }

    /// <summary>
    /// Creates the conference of <paramref name="tenantId"/> or adds <paramref name="callIds"/> and
    /// <paramref name="segments"/> external segments of <paramref name="segmentBytes"/> bytes to it, unless that would
    /// pass a limit of <paramref name="limits"/> (then nothing changes and the result says which limit).
    /// </summary>
    public async Task<ConferenceUpdate> UpdateAsync(
        string tenantId, string conferenceId, IEnumerable<string> callIds, int segments, long segmentBytes, ConferenceOptions limits, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        if (!IsValidId(conferenceId))
        {
            throw new ArgumentException("A conference id is 1–100 ASCII letters, digits, '-' or '_'.", nameof(conferenceId));
        }

        var joining = callIds.Distinct(StringComparer.Ordinal).ToArray();
        var name = ManifestName(tenantId, conferenceId);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var current = await ReadAsync(name, cancellationToken).ConfigureAwait(false);
            var manifest = current?.Manifest ?? new ConferenceManifest { ConferenceId = conferenceId, TenantId = tenantId, CreatedAt = now };
            var added = joining.Where(id => !manifest.CallIds.Contains(id, StringComparer.Ordinal)).ToArray();
            if (current is not null && added.Length == 0 && segments == 0)
            {
                return new ConferenceUpdate(manifest);
            }

            if (manifest.CallIds.Count + added.Length > limits.MaxCallIds)
            {
                return new ConferenceUpdate(null, $"A conference links at most {limits.MaxCallIds} calls; this one has {manifest.CallIds.Count}.");
            }

            if (manifest.SegmentCount + (long)segments > limits.MaxSegments)
            {
                return new ConferenceUpdate(null, $"A conference holds at most {limits.MaxSegments} segments; this one has {manifest.SegmentCount}.");
            }

            if (manifest.SegmentBytes + segmentBytes > limits.MaxSegmentBytes)
            {
                return new ConferenceUpdate(null, $"A conference holds at most {limits.MaxSegmentBytes} bytes of segments; this one has {manifest.SegmentBytes}.");
            }

            var updated = manifest with
            {
                CallIds = [.. manifest.CallIds, .. added],
                SegmentCount = manifest.SegmentCount + segments,
                SegmentBytes = manifest.SegmentBytes + segmentBytes,
                Revision = manifest.Revision + 1,
            };
            var conditions = current is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = current.Value.ETag };
            try
            {
                await _container.GetBlobClient(name).UploadAsync(
                    BinaryData.FromObjectAsJson(updated, JsonOptions),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                    cancellationToken).ConfigureAwait(false);
                return new ConferenceUpdate(updated);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 8)
            {
                // Someone else changed it at the same time: read again and merge.
            }
        }
    }

    /// <summary>Reads cached rendered minutes of a conference when they were rendered from <paramref name="fingerprint"/>; otherwise null.</summary>
    public async Task<string?> ReadRenderedAsync(string tenantId, string conferenceId, string extension, string fingerprint, CancellationToken cancellationToken = default)
    {
        try
        {
            var download = (await _container.GetBlobClient(RenderedName(tenantId, conferenceId, extension)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            return download.Details.Metadata.TryGetValue(FingerprintMetadata, out var stored) && string.Equals(stored, fingerprint, StringComparison.Ordinal)
                ? download.Content.ToString()
                : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Caches rendered minutes of a conference, tagged with the <paramref name="fingerprint"/> of what they were rendered from.</summary>
    public async Task WriteRenderedAsync(string tenantId, string conferenceId, string extension, string content, string contentType, string fingerprint, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient(RenderedName(tenantId, conferenceId, extension)).UploadAsync(
            BinaryData.FromString(content),
            new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = new Dictionary<string, string> { [FingerprintMetadata] = fingerprint },
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static string RenderedName(string tenantId, string conferenceId, string extension) => tenantId + "/" + conferenceId + ".minutes." + extension;

    private async Task<(ConferenceManifest Manifest, ETag ETag)?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = (await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            var manifest = download.Content.ToObjectFromJson<ConferenceManifest>(JsonOptions);
            return manifest is null ? null : (manifest, download.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _created, 1);
        }
    }
}
