using System.Net;
using System.Net.Http.Headers;

namespace DvServerless.Adapters.Live;

/// <summary>
/// The one call of Azure SignalR Service's data-plane REST API this gateway makes: send a message to a group of a hub,
/// <c>POST {endpoint}/api/hubs/{hub}/groups/{group}/:send?api-version=2022-06-01</c> with a bearer token from
/// <see cref="IAzureSignalRTokenSource"/> (HOSTING.md §5.1). The service answers 202. Locally the worker serves the
/// same path on its internal port.
/// </summary>
public sealed class AzureSignalRRestClient
{
    /// <summary>The API version the Management SDK uses.</summary>
    public const string ApiVersion = "2022-06-01";

    /// <summary>The name of the <see cref="HttpClient"/> (resilience: short timeouts, one retry).</summary>
    public const string HttpClientName = "DvServerless.AzureSignalR";

    private readonly IHttpClientFactory _http;
    private readonly IAzureSignalRTokenSource _tokens;

    /// <summary>Creates the client for the service at <paramref name="endpoint"/>.</summary>
    public AzureSignalRRestClient(Uri endpoint, IAzureSignalRTokenSource tokens, IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        Endpoint = endpoint;
        _tokens = tokens;
        _http = httpClientFactory;
    }

    /// <summary>The service endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// The URL of a group send. The hub is lower-cased, as the SDK does; the URL is also the token's <c>aud</c>.
    /// </summary>
    public static Uri GroupSendUri(Uri endpoint, string hub, string group)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(hub);
        ArgumentException.ThrowIfNullOrEmpty(group);
        return new Uri(endpoint.GetLeftPart(UriPartial.Authority)
            + "/api/hubs/" + Uri.EscapeDataString(hub.ToLowerInvariant())
            + "/groups/" + Uri.EscapeDataString(group)
            + "/:send?api-version=" + ApiVersion);
    }

    /// <summary>
    /// Sends <paramref name="jsonBody"/> (<c>{"target", "arguments"}</c>) to <paramref name="group"/> of
    /// <paramref name="hub"/>; returns the service's status (202 when accepted). Network failures and timeouts throw.
    /// </summary>
    public async Task<HttpStatusCode> SendToGroupAsync(string hub, string group, byte[] jsonBody, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jsonBody);
        var uri = GroupSendUri(Endpoint, hub, group);
        var token = await _tokens.GetTokenAsync(uri, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new ByteArrayContent(jsonBody);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await _http.CreateClient(HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }
}
