using DvServerless.Adapters.Engines.Realtime;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>
/// Makes <see cref="RealtimeClientSecretsClient"/>s over the <see cref="IHttpClientFactory"/> client <see cref="HttpClientName"/>
/// (pooled connections): one for the gateway's Realtime settings, one per tenant that brings its own OpenAI project.
/// </summary>
public sealed class RealtimeClientSecretsClientFactory
{
    /// <summary>The name of the HTTP client.</summary>
    public const string HttpClientName = "OpenAI.ClientSecrets";

    private readonly IHttpClientFactory _http;
    private readonly ILogger<RealtimeClientSecretsClient> _logger;

    /// <summary>Creates the factory.</summary>
    public RealtimeClientSecretsClientFactory(IHttpClientFactory http, ILogger<RealtimeClientSecretsClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _logger = logger;
    }

    /// <summary>A client for the endpoint and credentials in <paramref name="realtime"/>.</summary>
    /// <exception cref="InvalidOperationException">The settings are unusable.</exception>
    public RealtimeClientSecretsClient Create(RealtimeEngineOptions realtime) => new(_http.CreateClient(HttpClientName), realtime, _logger);
}
