using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.CallCommands;

/// <summary>
/// <see cref="ICallCommandClient"/> over HTTP to the worker's internal port (<see cref="MediaWorkerPool.InternalOf"/>):
/// <c>POST {internal}/internal/calls/{callId}/{action}</c> with
/// <c>Authorization: Bearer</c> a media token of purpose call control bound to the call and the command's JSON body,
/// under <see cref="MediaWorkerOptions.CommandTimeout"/> per worker. With several workers (<c>MediaWorker:BaseUrls</c>)
/// the call's own worker is asked first, then the others, until one does not answer "no such call".
/// </summary>
public sealed class MediaWorkerCallCommandClient : ICallCommandClient
{
    /// <summary>The worker's route prefix for call commands.</summary>
    public const string CommandPathPrefix = "/internal/calls/";

    /// <summary>The name of its <see cref="IHttpClientFactory"/> client.</summary>
    public const string HttpClientName = "MediaWorker.Calls";

    /// <summary>Why a command could not go over HTTP: the worker's internal port is private to its environment.</summary>
    internal const string Unreachable = "the worker's internal port is out of this app's reach (set MediaWorker:InternalBaseUrls, or give both apps Storage queues)";

    private const int SayTimeoutFactor = 4;

    /// <summary>How long the worker has to carry out <paramref name="command"/>, whichever way it travels.</summary>
    public static TimeSpan TimeLimit(CallCommand command, MediaWorkerOptions worker)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(worker);
        // Say may synthesize on a cache miss before it answers: it gets more time than a switch does.
        return command.Kind == CallCommandKind.Say ? worker.CommandTimeout * SayTimeoutFactor : worker.CommandTimeout;
    }

    private readonly HttpClient _http;
    private readonly MediaTokenService _tokens;
    private readonly MediaWorkerOptions _worker;
    private readonly TimeProvider _time;
    private readonly MediaWorkerPool _workers;

    /// <summary>Creates the client; <paramref name="http"/> is owned by the caller.</summary>
    public MediaWorkerCallCommandClient(HttpClient http, MediaTokenService tokens, IOptions<MediaWorkerOptions> worker, TimeProvider time, MediaWorkerPool? workers = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _workers = workers ?? new MediaWorkerPool(worker);
        _http = http;
        _tokens = tokens;
        _worker = worker.Value;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<CallCommandAnswer> SendAsync(CallSession session, CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(command);
        var first = _workers.For(session.CallId);
        var answer = await SendAsync(first, session.CallId, command, cancellationToken).ConfigureAwait(false);
        foreach (var other in _workers.All)
        {
            if (answer.Result != CallCommandResult.NotLive)
            {
                break;
            }

            if (other != first)
            {
                answer = await SendAsync(other, session.CallId, command, cancellationToken).ConfigureAwait(false);
            }
        }

        return answer;
    }

    private async Task<CallCommandAnswer> SendAsync(Uri publicWorker, string callId, CallCommand command, CancellationToken cancellationToken)
    {
        if (_workers.InternalOf(publicWorker) is not { } worker)
        {
            return new CallCommandAnswer(CallCommandResult.Failed, null, Unreachable);
        }

        var url = new Uri(worker.ToString().TrimEnd('/') + CommandPathPrefix + Uri.EscapeDataString(callId) + "/" + command.Action);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(command.ToJson(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(callId, _worker.TokenLifetime, MediaTokenPurpose.CallControl));
        var limit = TimeLimit(command, _worker);
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
