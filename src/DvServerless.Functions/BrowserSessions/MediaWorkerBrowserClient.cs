using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DvServerless.Core.Security;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>
/// <see cref="IBrowserWorkerClient"/> over HTTP: <c>POST {MediaWorker:BaseUrl}/internal/browser/{sessionId}/{stop|interrupt|audio}</c>
/// with <c>Authorization: Bearer</c> a media token of purpose browser control bound to the session, a JSON body
/// (<c>{"enabled":bool}</c> for audio, <c>{}</c> otherwise), under <see cref="MediaWorkerOptions.CommandTimeout"/>.
/// </summary>
public sealed class MediaWorkerBrowserClient : IBrowserWorkerClient
{
    /// <summary>The worker's route prefix for browser commands.</summary>
    public const string CommandPathPrefix = "/internal/browser/";

    /// <summary>The name of its <see cref="IHttpClientFactory"/> client.</summary>
    public const string HttpClientName = "MediaWorker.Browser";

    private readonly HttpClient _http;
    private readonly MediaTokenService _tokens;
    private readonly MediaWorkerOptions _worker;
    private readonly TimeProvider _time;

    /// <summary>Creates the client; <paramref name="http"/> is owned by the caller.</summary>
    public MediaWorkerBrowserClient(HttpClient http, MediaTokenService tokens, IOptions<MediaWorkerOptions> worker, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _http = http;
        _tokens = tokens;
        _worker = worker.Value;
        _time = time;
    }

    /// <summary>The path segment of <paramref name="command"/>.</summary>
    public static string PathOf(BrowserWorkerCommand command) => command switch
    {
        BrowserWorkerCommand.Stop => "stop",
        BrowserWorkerCommand.Interrupt => "interrupt",
        BrowserWorkerCommand.Audio => "audio",
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    /// <inheritdoc />
    public async Task<BrowserWorkerAnswer> SendAsync(string sessionId, BrowserWorkerCommand command, bool? enabled, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        if (command == BrowserWorkerCommand.Audio && enabled is null)
        {
            throw new ArgumentException("The audio command needs 'enabled'.", nameof(enabled));
        }

        var url = new Uri(_worker.BaseUrl.ToString().TrimEnd('/') + CommandPathPrefix + Uri.EscapeDataString(sessionId) + "/" + PathOf(command));
        var body = command == BrowserWorkerCommand.Audio ? (enabled!.Value ? """{"enabled":true}""" : """{"enabled":false}""") : "{}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(sessionId, _worker.TokenLifetime, MediaTokenPurpose.BrowserControl));
        using var timeout = new CancellationTokenSource(_worker.CommandTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new BrowserWorkerAnswer(BrowserWorkerResult.Done, status, "done"),
                HttpStatusCode.NotFound => new BrowserWorkerAnswer(BrowserWorkerResult.NotLive, status, "the worker holds no live leg for the session"),
                _ => new BrowserWorkerAnswer(BrowserWorkerResult.Failed, status, $"the worker answered {status}"),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new BrowserWorkerAnswer(BrowserWorkerResult.Failed, null, $"the worker did not answer within {_worker.CommandTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new BrowserWorkerAnswer(BrowserWorkerResult.Failed, null, "the worker is unreachable (" + e.GetType().Name + ")");
        }
    }
}
