using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// ASP.NET Core middleware that runs each request's storage work as interactive (<see cref="InteractiveStorageScope"/>),
/// so a stalled or slow account is answered 503 within <see cref="StorageOptions.RequestBudget"/>, and at once while
/// <see cref="StorageCircuitBreaker"/> holds it as out; a storage outage becomes 503 with <c>Retry-After</c>
/// (<see cref="StorageUnavailableResponder"/>). Senders that redeliver on 5xx (Event Grid) try again.
/// </summary>
public sealed class StorageUnavailableMiddleware
{
    private readonly RequestDelegate _next;
    private readonly StorageUnavailableResponder _responder;

    /// <summary>Creates the middleware.</summary>
    public StorageUnavailableMiddleware(RequestDelegate next, StorageUnavailableResponder responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        _next = next;
        _responder = responder;
    }

    /// <summary>
    /// Runs the rest of the pipeline as interactive storage work (<see cref="InteractiveStorageScope"/>: a short budget,
    /// failing at once while storage is held as out) and maps a storage outage to 503.
    /// </summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = InteractiveStorageScope.Begin();
        if (context.Features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true } webSocket)
        {
            // A media socket is a request until it is accepted, then a call that must not give up its transcript.
            context.Features.Set<IHttpWebSocketFeature>(new InteractiveWebSocketFeature(webSocket, scope));
        }

        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageUnavailableResponder.CanAnswer(context, e))
        {
            await _responder.AnswerAsync(context, e).ConfigureAwait(false);
        }
    }
}
