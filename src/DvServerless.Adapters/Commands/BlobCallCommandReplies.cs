using Azure;
using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;

namespace DvServerless.Adapters.Commands;

/// <summary>
/// <see cref="ICallCommandReplies"/> as blobs <c>{id}.json</c> in container <c>command-replies</c>; a lifecycle rule in
/// Azure deletes them after a day (nobody reads a reply after its command's deadline).
/// </summary>
public sealed class BlobCallCommandReplies : ICallCommandReplies
{
    /// <summary>The container name.</summary>
    public const string ContainerName = "command-replies";

    private readonly LazyBlobContainer _container;

    /// <summary>Creates the store over <paramref name="container"/> (created on first use).</summary>
    public BlobCallCommandReplies(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = new LazyBlobContainer(container);
    }

    /// <inheritdoc />
    public async Task WriteAsync(string commandId, CallCommandReplyDocument reply, CancellationToken cancellationToken)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(BlobName(commandId)).UploadAsync(BinaryData.FromObjectAsJson(reply, CallCommandReplyDocument.JsonOptions), overwrite: true, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CallCommandReplyDocument?> TryReadAsync(string commandId, CancellationToken cancellationToken)
    {
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var content = await container.GetBlobClient(BlobName(commandId)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson<CallCommandReplyDocument>(CallCommandReplyDocument.JsonOptions);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static string BlobName(string commandId) =>
        CallCommandMessage.IsId(commandId) ? commandId + ".json" : throw new ArgumentException("Not a command id.", nameof(commandId));
}
