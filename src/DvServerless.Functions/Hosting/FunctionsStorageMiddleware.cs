using DvServerless.Adapters.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace DvServerless.Functions.Hosting;

/// <summary>
/// Under the Functions host, what <see cref="StorageUnavailableMiddleware"/> does on Kestrel: an HTTP function's storage
/// work runs as interactive (<see cref="InteractiveStorageScope"/>: a stalled or slow account is given up within the
/// request budget, and at once while storage is held as out), and a storage outage is answered 503 with
/// <c>Retry-After</c> (<see cref="StorageUnavailableResponder"/>). Without it, the host turns the exception into a bare
/// 500 after the storage client's full timeout and retries, and Event Grid retries a webhook it should have been told to
/// retry later. Functions that are not HTTP (the timer) keep the background budget and fail as functions fail.
/// </summary>
public sealed class FunctionsStorageMiddleware : IFunctionsWorkerMiddleware
{
    private readonly StorageUnavailableResponder _responder;

    /// <summary>Creates the middleware.</summary>
    public FunctionsStorageMiddleware(StorageUnavailableResponder responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        _responder = responder;
    }

    /// <inheritdoc />
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        // With ASP.NET Core integration the request is a real HttpContext; a timer or queue invocation has none.
        if (context.GetHttpContext() is not { } http)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        using var scope = InteractiveStorageScope.Begin();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageUnavailableResponder.CanAnswer(http, e))
        {
            // Answered here, the invocation ends without a result: the integration then sends the response as written.
            await _responder.AnswerAsync(http, e).ConfigureAwait(false);
        }
    }
}
