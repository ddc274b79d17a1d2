using Azure.Storage.Blobs;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// A container that is created the first time it is used, once per process rather than once per call (a create
/// request per write would double the requests on the hot path). A failed create is retried on the next use.
/// </summary>
internal sealed class LazyBlobContainer
{
    private readonly BlobContainerClient _container;
    private readonly object _gate = new();
    private Task? _created;

    public LazyBlobContainer(BlobContainerClient container) => _container = container;

    public async Task<BlobContainerClient> GetAsync(CancellationToken cancellationToken)
    {
        Task created;
        lock (_gate)
        {
            // The create is not tied to one caller's token: other callers may be waiting on it.
            _created ??= _container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            created = _created;
        }

        try
        {
            await created.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (created.IsFaulted || created.IsCanceled)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_created, created))
                {
                    _created = null;
                }
            }

            throw;
        }

        return _container;
    }
}
