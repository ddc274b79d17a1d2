using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Adapters.Storage;

namespace DvServerless.Functions.Records;

/// <summary>
/// Conference manifests in Blob storage (container <c>conferences</c>, <c>{confId}.json</c>), changed with ETag
/// conditions so concurrent joins never lose a call. External transcript segments of a conference are kept as the
/// call record <see cref="ExternalRecordId"/>.
/// </summary>
public sealed class BlobConferenceStore
{
    /// <summary>The Blob container.</summary>
    public const string ContainerName = "conferences";

    /// <summary>The longest conference id (its external record id must stay a valid call id).</summary>
    public const int MaxIdLength = 100;

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    private readonly BlobContainerClient _container;
    private int _created;

    /// <summary>Creates the store over <paramref name="container"/>.</summary>
    public BlobConferenceStore(BlobContainerClient container) => _container = container;

    /// <summary>Whether <paramref name="conferenceId"/> is a usable id.</summary>
    public static bool IsValidId(string? conferenceId) => CallIdFormat.IsValid(conferenceId) && conferenceId!.Length <= MaxIdLength;

    /// <summary>The call-record id under which the externally submitted segments of a conference are appended.</summary>
    public static string ExternalRecordId(string conferenceId) => conferenceId + "-ext";

    /// <summary>Reads a manifest, or null when the conference is unknown.</summary>
    public async Task<ConferenceManifest?> GetAsync(string conferenceId, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(conferenceId))
        {
            return null;
        }

        return (await ReadAsync(conferenceId, cancellationToken).ConfigureAwait(false))?.Manifest;
    }

    /// <summary>
    /// Creates the conference for <paramref name="tenantId"/> or adds <paramref name="callIds"/> to it. Returns null when
    /// the conference belongs to another tenant (nothing changes).
    /// </summary>
    public async Task<ConferenceManifest?> JoinAsync(string conferenceId, string tenantId, IEnumerable<string> callIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(conferenceId))
        {
            throw new ArgumentException("A conference id is 1–100 ASCII letters, digits, '-' or '_'.", nameof(conferenceId));
        }

        var joining = callIds.ToArray();
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var current = await ReadAsync(conferenceId, cancellationToken).ConfigureAwait(false);
            var manifest = current?.Manifest ?? new ConferenceManifest { ConferenceId = conferenceId, TenantId = tenantId, CreatedAt = now };
            if (!string.Equals(manifest.TenantId, tenantId, StringComparison.Ordinal))
            {
                return null;
            }

            var added = joining.Where(id => !manifest.CallIds.Contains(id, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
            if (current is not null && added.Length == 0)
            {
                return manifest;
            }

            var updated = manifest with { CallIds = [.. manifest.CallIds, .. added] };
            var conditions = current is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = current.Value.ETag };
            try
            {
                await _container.GetBlobClient(conferenceId + ".json").UploadAsync(
                    BinaryData.FromObjectAsJson(updated, JsonOptions),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                    cancellationToken).ConfigureAwait(false);
                return updated;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 8)
            {
                // Someone else joined at the same time: read again and merge.
            }
        }
    }

    private async Task<(ConferenceManifest Manifest, ETag ETag)?> ReadAsync(string conferenceId, CancellationToken cancellationToken)
    {
        try
        {
            var download = (await _container.GetBlobClient(conferenceId + ".json").DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
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
