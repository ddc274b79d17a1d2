using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// A pipeline policy that records the name of every <c>.json</c> blob downloaded (a GET of the blob) and the prefix of
/// every container listing (a GET of the container with <c>comp=list</c>), to prove what a listing asked for and opened.
/// </summary>
internal sealed class BlobDownloadLog : HttpPipelineSynchronousPolicy
{
    private readonly List<string> _names = [];
    private readonly List<string> _listings = [];

    /// <summary>The prefix of each listing request, in order ("" for none).</summary>
    public IReadOnlyList<string> Listings
    {
        get
        {
            lock (_names)
            {
                return _listings.ToList();
            }
        }
    }

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
            _listings.Clear();
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
        else if (message.Request.Method == RequestMethod.Get && uri.Query.Contains("comp=list", StringComparison.Ordinal))
        {
            var prefix = System.Web.HttpUtility.ParseQueryString(uri.Query)["prefix"] ?? string.Empty;
            lock (_names)
            {
                _listings.Add(prefix);
            }
        }
    }
}
