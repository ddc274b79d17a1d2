using DvServerless.Functions.Http;

namespace DvServerless.Functions.Sessions;

/// <summary>Maps sessions API results to HTTP answers.</summary>
internal static class SessionHttpResults
{
    public static IResult From(SessionResult result, int successStatus = StatusCodes.Status200OK) => result.Outcome switch
    {
        SessionOutcome.Ok => Results.Json(SessionView.Of(result.Session!), statusCode: successStatus),
        _ => Refusal(result.Outcome, result.Message ?? string.Empty),
    };

    public static IResult Refusal(SessionOutcome outcome, string message) => outcome switch
    {
        SessionOutcome.NotFound => ErrorResults.NotFound(message),
        SessionOutcome.Forbidden => ErrorResults.Forbidden(message),
        SessionOutcome.Invalid => ErrorResults.BadRequest(message),
        SessionOutcome.Conflict => ErrorResults.Conflict(message),
        SessionOutcome.UpstreamFailed => ErrorResults.BadGateway(message),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}
