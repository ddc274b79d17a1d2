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

    internal sealed record ErrorBody(string Error, string Message);
}
