using DvServerless.Functions.Http;

namespace DvServerless.Functions.CallCommands;

/// <summary>Maps call command results to HTTP answers.</summary>
internal static class CallCommandHttpResults
{
    /// <summary>Seconds a caller should wait before retrying when speech could not be made.</summary>
    private const int RetryAfterSeconds = 5;

    public static IResult From(HttpRequest request, (CallCommandOutcome Outcome, string? Message) result, Func<object> reply) => result.Outcome switch
    {
        CallCommandOutcome.Ok => Results.Json(reply()),
        CallCommandOutcome.NotFound => ErrorResults.NotFound(result.Message ?? string.Empty),
        CallCommandOutcome.Invalid => ErrorResults.BadRequest(result.Message ?? string.Empty),
        CallCommandOutcome.NotLive => ErrorResults.Error(StatusCodes.Status409Conflict, "call_not_live", result.Message ?? string.Empty),
        CallCommandOutcome.Unavailable => ErrorResults.WithRetryAfter(request.HttpContext, StatusCodes.Status503ServiceUnavailable, "speech_unavailable",
            result.Message ?? string.Empty, RetryAfterSeconds),
        _ => ErrorResults.BadGateway(result.Message ?? string.Empty),
    };
}
