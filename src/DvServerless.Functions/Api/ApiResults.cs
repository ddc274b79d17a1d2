using DvServerless.Functions.Tenancy;

namespace DvServerless.Functions.Api;

/// <summary>The error answers of the tenant API: <c>{"error": code, "message": text}</c>.</summary>
internal static class ApiResults
{
    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "bad_request", message);

    public static IResult Forbidden(string message) => Error(StatusCodes.Status403Forbidden, "forbidden", message);

    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, "not_found", message);

    public static IResult Conflict(string message) => Error(StatusCodes.Status409Conflict, "conflict", message);

    public static IResult TooLarge(int maxBytes) =>
        Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The request body is larger than {maxBytes} bytes.");

    public static IResult BadGateway(string message) => Error(StatusCodes.Status502BadGateway, "bad_gateway", message);

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new TenantApiGate.ErrorBody(code, message), statusCode: status);
}
