using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Core.Voices;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// A tenant's voice library in Blob storage: container <c>voices</c>, <c>{tenant}/{voiceId}.json</c> (the
/// <see cref="VoiceRecord"/>) and <c>{tenant}/{voiceId}.sample.{ext}</c> (the uploaded sample).
/// </summary>
public sealed class BlobVoiceLibrary
{
    private readonly LazyBlobContainer _container;

    /// <summary>Creates the library over <paramref name="container"/> (created on first use).</summary>
    public BlobVoiceLibrary(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = new LazyBlobContainer(container);
    }

    /// <summary>The blob name of a voice's sample.</summary>
    public static string SampleName(string tenantId, string voiceId, AudioFileKind kind) =>
        $"{tenantId}/{voiceId}.sample.{AudioFileSniffer.ExtensionOf(kind)}";

    /// <summary>Stores a sample; returns its blob name.</summary>
    public async Task<string> SaveSampleAsync(string tenantId, string voiceId, AudioFileKind kind, ReadOnlyMemory<byte> sample, CancellationToken cancellationToken = default)
    {
        Check(tenantId, voiceId);
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var name = SampleName(tenantId, voiceId, kind);
        await container.GetBlobClient(name).UploadAsync(
            new BinaryData(sample),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = AudioFileSniffer.ContentTypeOf(kind) } },
            cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Reads a stored sample, or null.</summary>
    public async Task<byte[]?> ReadSampleAsync(VoiceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (await container.GetBlobClient(record.SampleBlob).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Writes (or replaces) a voice record.</summary>
    public async Task SaveRecordAsync(VoiceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        Check(record.TenantId, record.Id);
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(RecordName(record.TenantId, record.Id)).UploadAsync(
            BinaryData.FromObjectAsJson(record, StorageJson.Options),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a voice record, or null.</summary>
    public async Task<VoiceRecord?> GetAsync(string tenantId, string voiceId, CancellationToken cancellationToken = default)
    {
        if (!CallIdFormat.IsValid(tenantId) || !CallIdFormat.IsValid(voiceId))
        {
            return null;
        }

        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var content = (await container.GetBlobClient(RecordName(tenantId, voiceId)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            return content.ToObjectFromJson<VoiceRecord>(StorageJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every voice record of a tenant, oldest first.</summary>
    public async Task<IReadOnlyList<VoiceRecord>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<VoiceRecord>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, tenantId + "/", cancellationToken).ConfigureAwait(false))
        {
            if (!item.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                var content = (await container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
                if (content.ToObjectFromJson<VoiceRecord>(StorageJson.Options) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Deleted while listing.
            }
        }

        return records.OrderBy(r => r.CreatedAt).ToArray();
    }

    /// <summary>Deletes a voice's record and sample; returns false when there was no record.</summary>
    public async Task<bool> DeleteAsync(VoiceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(record.SampleBlob).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (await container.GetBlobClient(RecordName(record.TenantId, record.Id)).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
    }

    private static string RecordName(string tenantId, string voiceId) => $"{tenantId}/{voiceId}.json";

    private static void Check(string tenantId, string voiceId)
    {
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        CallIdFormat.ThrowIfInvalid(voiceId, nameof(voiceId));
    }
}
