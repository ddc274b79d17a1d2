using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// A pipeline policy that records the name of every <c>.json</c> blob downloaded (a GET of the blob; a listing is a GET
/// of the container), to prove which documents a listing opened.
/// </summary>
internal sealed class BlobDownloadLog : HttpPipelineSynchronousPolicy
{
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_names)
            {
                return _names.ToList();
            }
        }
    }

    /// <summary>A fresh container (prefix + random suffix) whose client records its downloads.</summary>
    public static (BlobContainerClient Container, BlobDownloadLog Downloads) NewContainer(string connectionString, string prefix)
    {
        var downloads = new BlobDownloadLog();
        var options = new BlobClientOptions();
        options.AddPolicy(downloads, HttpPipelinePosition.PerCall);
        var container = new BlobServiceClient(connectionString, options).GetBlobContainerClient(prefix + Guid.NewGuid().ToString("N")[..12]);
        return (container, downloads);
    }

    public void Clear()
    {
        lock (_names)
        {
            _names.Clear();
        }
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        if (message.Request.Method == RequestMethod.Get && uri.AbsolutePath.EndsWith(".json", StringComparison.Ordinal))
        {
            lock (_names)
            {
                _names.Add(uri.Segments[^1]);
            }
        }
    }
}
