using System.Globalization;

namespace DvServerless.Functions.Http;

/// <summary>The one way the app answers with an error: an <see cref="ErrorBody"/> with a status (and headers where the status needs them).</summary>
public static class ErrorResults
{
    /// <summary>Any error: <paramref name="status"/> with <c>{"error": code, "message": message}</c> and, when given, each problem.</summary>
    public static IResult Error(int status, string code, string message, IReadOnlyList<ErrorDetail>? errors = null) =>
        Results.Json(new ErrorBody(code, message, errors), statusCode: status);

    /// <summary>400 <c>bad_request</c>.</summary>
    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "bad_request", message);

    /// <summary>400 with a specific code.</summary>
    public static IResult BadRequest(string code, string message) => Error(StatusCodes.Status400BadRequest, code, message);

    /// <summary>401 <c>unauthorized</c> with <c>WWW-Authenticate: Bearer</c>.</summary>
    public static IResult Unauthorized(HttpContext context, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Error(StatusCodes.Status401Unauthorized, "unauthorized", message);
    }

    /// <summary>403 <c>forbidden</c>.</summary>
    public static IResult Forbidden(string message) => Error(StatusCodes.Status403Forbidden, "forbidden", message);

    /// <summary>404 <c>not_found</c>.</summary>
    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, "not_found", message);

    /// <summary>409 <c>conflict</c>.</summary>
    public static IResult Conflict(string message) => Error(StatusCodes.Status409Conflict, "conflict", message);

    /// <summary>413 <c>payload_too_large</c>.</summary>
    public static IResult TooLarge(long maxBytes) =>
        Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The request body is larger than {maxBytes} bytes.");

    /// <summary>415 with a specific code.</summary>
    public static IResult UnsupportedMediaType(string code, string message) => Error(StatusCodes.Status415UnsupportedMediaType, code, message);

    /// <summary>502 <c>bad_gateway</c>: an upstream service refused; <paramref name="message"/> must not carry the upstream's text (that goes to the log).</summary>
    public static IResult BadGateway(string message) => Error(StatusCodes.Status502BadGateway, "bad_gateway", message);

    /// <summary>503 with <c>Retry-After</c> and a body of the caller's choice (webhook senders redeliver on it).</summary>
    public static IResult RetryLater<T>(HttpContext context, T body, int retryAfterSeconds = 5)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>429 with <c>Retry-After</c> and <c>retryAfter</c> in the body.</summary>
    public static IResult TooManyRequests(HttpContext context, string code, string message, int retryAfterSeconds) =>
        ComeBackLater(context, StatusCodes.Status429TooManyRequests, code, message, retryAfterSeconds);

    /// <summary>503 with <c>Retry-After</c> and <c>retryAfter</c> in the body: a dependency that is down for now.</summary>
    public static IResult ServiceUnavailable(HttpContext context, string code, string message, int retryAfterSeconds) =>
        ComeBackLater(context, StatusCodes.Status503ServiceUnavailable, code, message, retryAfterSeconds);

    private static IResult ComeBackLater(HttpContext context, int status, string code, string message, int retryAfterSeconds)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Results.Json(new ErrorBody(code, message, RetryAfter: retryAfterSeconds), statusCode: status);
    }

    /// <summary>An error with <c>Retry-After</c> (e.g. 404 <c>minutes_not_ready</c>, 429).</summary>
    public static IResult WithRetryAfter(HttpContext context, int status, string code, string message, int retryAfterSeconds)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Error(status, code, message);
    }
}
