using DvServerless.Adapters.Engines.Realtime;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// Makes <see cref="OpenAICallControlClient"/>s over the <see cref="IHttpClientFactory"/> client
/// <see cref="HttpClientName"/> (pooled connections, the <see cref="OpenAICallControlResilience"/> pipeline): one for the
/// gateway's Realtime settings, one per tenant that brings its own OpenAI project.
/// </summary>
public sealed class OpenAICallControlClientFactory
{
    /// <summary>The name of the HTTP client (and the prefix of its resilience handler).</summary>
    public const string HttpClientName = "OpenAI.CallControl";

    private readonly IHttpClientFactory _http;
    private readonly ILogger<OpenAICallControlClient> _logger;

    /// <summary>Creates the factory.</summary>
    public OpenAICallControlClientFactory(IHttpClientFactory http, ILogger<OpenAICallControlClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _logger = logger;
    }

    /// <summary>A client for the endpoint and credentials in <paramref name="realtime"/>.</summary>
    /// <exception cref="InvalidOperationException">The settings are unusable.</exception>
    public OpenAICallControlClient Create(RealtimeEngineOptions realtime) =>
        new(_http.CreateClient(HttpClientName), realtime, _logger);
}
