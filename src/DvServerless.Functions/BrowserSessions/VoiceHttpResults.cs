using DvServerless.Functions.Http;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>Maps voice API results to HTTP answers.</summary>
internal static class VoiceHttpResults
{
    /// <summary>The error code of a command for a session no browser holds.</summary>
    public const string NotLiveCode = "not_live";

    /// <summary><c>{"code":0,"data":{"room_name":…}}</c> with <paramref name="successStatus"/>, or the refusal.</summary>
    public static IResult Room(VoiceResult result, HttpContext context, int successStatus = StatusCodes.Status200OK) => result.Outcome == VoiceOutcome.Ok
        ? Results.Json(new VoiceReply<VoiceRoomData>(0, new VoiceRoomData(result.Session!.CallId)), statusCode: successStatus)
        : Refusal(result, context);

    /// <summary>The error code of a 503 for a dependency that is down for now.</summary>
    public const string UnavailableCode = "upstream_unavailable";

    /// <summary>
    /// The refusal of a result that is not <see cref="VoiceOutcome.Ok"/>; <see cref="VoiceOutcome.Unavailable"/> is a 503
    /// whose <c>Retry-After</c> (header and body) says when to come back ("a dependency that is down gets a fast 503").
    /// </summary>
    public static IResult Refusal(VoiceResult result, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = result.Message ?? string.Empty;
        return result.Outcome switch
        {
            VoiceOutcome.Invalid => ErrorResults.BadRequest(message),
            VoiceOutcome.NotFound => ErrorResults.NotFound(message),
            VoiceOutcome.Forbidden => ErrorResults.Forbidden(message),
            VoiceOutcome.Busy => ErrorResults.Error(StatusCodes.Status429TooManyRequests, "busy", message),
            VoiceOutcome.NotLive => ErrorResults.Error(StatusCodes.Status409Conflict, NotLiveCode, message),
            VoiceOutcome.Conflict => ErrorResults.Conflict(message),
            VoiceOutcome.UpstreamFailed => ErrorResults.BadGateway(message),
            VoiceOutcome.Unavailable => ErrorResults.ServiceUnavailable(context, UnavailableCode, message, result.RetryAfterSeconds ?? 5),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null),
        };
    }
}
