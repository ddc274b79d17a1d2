namespace DvServerless.Adapters.Live;

/// <summary>Bearer tokens for Azure SignalR Service's REST API.</summary>
public interface IAzureSignalRTokenSource
{
    /// <summary>A token for a request to <paramref name="requestUri"/> (the full URL, with its query).</summary>
    ValueTask<string> GetTokenAsync(Uri requestUri, CancellationToken cancellationToken);
}
