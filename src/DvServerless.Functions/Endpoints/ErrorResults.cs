namespace DvServerless.Functions.Endpoints;

/// <summary>The JSON error bodies the endpoints answer with: <c>{"error": code, "message": text}</c>.</summary>
internal static class ErrorResults
{
    public static IResult BadRequest(string message) =>
        Results.Json(new ErrorBody("bad_request", message), statusCode: StatusCodes.Status400BadRequest);

    public static IResult TooLarge(int maxBytes) =>
        Results.Json(new ErrorBody("payload_too_large", $"The request body is larger than {maxBytes} bytes."), statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult NotFound(string message) =>
        Results.Json(new ErrorBody("not_found", message), statusCode: StatusCodes.Status404NotFound);

    /// <summary>
    /// 503 with <c>Retry-After</c> for a webhook delivery that arrived while another delivery decides its call: the sender
    /// (Event Grid, OpenAI) redelivers non-2xx, and by then the call is decided or taken over.
    /// </summary>
    public static IResult CallBeingDecided<T>(HttpContext context, T body)
    {
        context.Response.Headers.RetryAfter = "5";
        return Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    internal sealed record ErrorBody(string Error, string Message);
}
