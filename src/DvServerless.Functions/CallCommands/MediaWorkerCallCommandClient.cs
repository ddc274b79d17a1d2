using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DvServerless.Core.Security;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.CallCommands;

/// <summary>
/// <see cref="ICallCommandClient"/> over HTTP: <c>POST {MediaWorker:BaseUrl}/internal/calls/{callId}/{action}</c> with
/// <c>Authorization: Bearer</c> a media token of purpose call control bound to the call and the command's JSON body,
/// under <see cref="MediaWorkerOptions.CommandTimeout"/>.
/// </summary>
public sealed class MediaWorkerCallCommandClient : ICallCommandClient
{
    /// <summary>The worker's route prefix for call commands.</summary>
    public const string CommandPathPrefix = "/internal/calls/";

    /// <summary>The name of its <see cref="IHttpClientFactory"/> client.</summary>
    public const string HttpClientName = "MediaWorker.Calls";

    private const int SayTimeoutFactor = 4;

    private readonly HttpClient _http;
    private readonly MediaTokenService _tokens;
    private readonly MediaWorkerOptions _worker;
    private readonly TimeProvider _time;

    /// <summary>Creates the client; <paramref name="http"/> is owned by the caller.</summary>
    public MediaWorkerCallCommandClient(HttpClient http, MediaTokenService tokens, IOptions<MediaWorkerOptions> worker, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _http = http;
        _tokens = tokens;
        _worker = worker.Value;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<CallCommandAnswer> SendAsync(string callId, CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(command);
        var url = new Uri(_worker.BaseUrl.ToString().TrimEnd('/') + CommandPathPrefix + Uri.EscapeDataString(callId) + "/" + command.Action);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(command.ToJson(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(callId, _worker.TokenLifetime, MediaTokenPurpose.CallControl));
        // Say may synthesize on a cache miss before it answers: it gets more time than a switch does.
        var limit = command.Kind == CallCommandKind.Say ? _worker.CommandTimeout * SayTimeoutFactor : _worker.CommandTimeout;
        using var timeout = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new CallCommandAnswer(CallCommandResult.Done, status, "done"),
                HttpStatusCode.NotFound => new CallCommandAnswer(CallCommandResult.NotLive, status, "the worker runs no such call"),
                HttpStatusCode.Conflict => new CallCommandAnswer(CallCommandResult.NotSupported, status, "the call's channel has no such control"),
                HttpStatusCode.ServiceUnavailable => new CallCommandAnswer(CallCommandResult.Unavailable, status, "the worker could not make the speech"),
                _ => new CallCommandAnswer(CallCommandResult.Failed, status, $"the worker answered {status}"),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new CallCommandAnswer(CallCommandResult.Failed, null, $"the worker did not answer within {limit.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new CallCommandAnswer(CallCommandResult.Failed, null, "the worker is unreachable (" + e.GetType().Name + ")");
        }
    }
}
