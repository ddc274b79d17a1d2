using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// Answers a request that failed because storage is unavailable (<see cref="StorageUnavailability"/>) with 503, a
/// <c>Retry-After</c> and <c>{"error": "storage_unavailable", "message": …, "retryAfter": seconds}</c> (the apps' error
/// body), instead of the bare 500 with no body the server gives an unhandled exception. Senders that redeliver on 5xx
/// (Event Grid) try again; other failures pass through unchanged. It also marks the request's storage work as interactive
/// (<see cref="InteractiveStorageScope"/>), so a stalled or slow account is answered 503 within
/// <see cref="StorageOptions.RequestBudget"/>, and at once while <see cref="StorageCircuitBreaker"/> holds it as out.
/// </summary>
public sealed partial class StorageUnavailableMiddleware
{
    private readonly RequestDelegate _next;
    private readonly int _retryAfterSeconds;
    private readonly ILogger<StorageUnavailableMiddleware> _logger;

    /// <summary>Creates the middleware.</summary>
    public StorageUnavailableMiddleware(RequestDelegate next, IOptions<StorageOptions> options, ILogger<StorageUnavailableMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _retryAfterSeconds = options.Value.RetryAfterSeconds;
        _logger = logger;
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
        catch (Exception e) when (StorageUnavailability.IsUnavailable(e) && !context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            // The type and status say what failed; the exception's text can carry request URLs and is not needed here.
            LogUnavailable(context.Request.Path, Describe(e));
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = _retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(
                new StorageUnavailableBody("storage_unavailable", "Storage is unavailable right now; try again after the Retry-After delay.", _retryAfterSeconds),
                context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>A short, secret-free description of a storage failure: its type and status.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        Azure.RequestFailedException failed => failed.Status == 0 ? "no response" : "status " + failed.Status.ToString(CultureInfo.InvariantCulture),
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]) + " after " + aggregate.InnerExceptions.Count.ToString(CultureInfo.InvariantCulture) + " tries",
        StorageUnavailableException given => given.Message,
        OperationCanceledException => "timed out",
        _ => exception.GetType().Name,
    };

    [LoggerMessage(EventId = 8501, Level = LogLevel.Warning, Message = "Storage is unavailable ({Failure}); answered {Path} with 503.")]
    private partial void LogUnavailable(PathString path, string failure);

    /// <summary>The body of the 503, in the shape of the apps' error bodies.</summary>
    internal sealed record StorageUnavailableBody(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("retryAfter")] int RetryAfter);
}
