using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// Answers a request that failed because storage is unavailable (<see cref="StorageUnavailability"/>) with 503, a
/// <c>Retry-After</c> and <c>{"error": "storage_unavailable", "message": …, "retryAfter": seconds}</c> (the apps' error
/// body), instead of the bare 500 with no body a server gives an unhandled exception. Both hosts use it: ASP.NET Core
/// middleware on Kestrel (<see cref="StorageUnavailableMiddleware"/>) and the Functions worker's middleware under the
/// Functions host, so the answer and its log line are the same wherever the app runs.
/// </summary>
public sealed partial class StorageUnavailableResponder
{
    private readonly int _retryAfterSeconds;
    private readonly ILogger<StorageUnavailableResponder> _logger;

    /// <summary>Creates the responder.</summary>
    public StorageUnavailableResponder(IOptions<StorageOptions> options, ILogger<StorageUnavailableResponder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _retryAfterSeconds = options.Value.RetryAfterSeconds;
        _logger = logger;
    }

    /// <summary>
    /// True when <paramref name="exception"/> is a storage outage and the request can still be answered: the client is
    /// still there and nothing of the response has gone out. Other failures pass through unchanged.
    /// </summary>
    public static bool CanAnswer(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        return StorageUnavailability.IsUnavailable(exception) && !context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted;
    }

    /// <summary>Logs the outage (type and status only) and writes the 503 to <paramref name="context"/>'s response.</summary>
    public async Task AnswerAsync(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);

        // The type and status say what failed; the exception's text can carry request URLs and is not needed here.
        LogUnavailable(context.Request.Path, Describe(exception));
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = _retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(
            new StorageUnavailableBody("storage_unavailable", "Storage is unavailable right now; try again after the Retry-After delay.", _retryAfterSeconds),
            context.RequestAborted).ConfigureAwait(false);
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
