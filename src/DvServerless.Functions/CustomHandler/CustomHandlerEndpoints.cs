using System.Text.Json;
using DvServerless.Functions.Endpoints;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.CustomHandler;

/// <summary>
/// Maps a non-HTTP function (timer, queue) at <c>POST /{FunctionName}</c>, where the Functions host invokes it with the
/// <c>{Data, Metadata}</c> payload. A malformed payload gets 400, which fails the invocation (and retries it when a
/// retry policy applies).
/// </summary>
public static class CustomHandlerEndpoints
{
    private static readonly JsonSerializerOptions ResponseOptions = new() { PropertyNamingPolicy = null };

    /// <summary>Maps <paramref name="functionName"/> to <paramref name="handler"/>.</summary>
    public static RouteHandlerBuilder MapCustomHandlerFunction(
        this IEndpointRouteBuilder app,
        string functionName,
        Func<CustomHandlerInvocation, HttpContext, CancellationToken, Task<CustomHandlerResponse>> handler)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        ArgumentNullException.ThrowIfNull(handler);
        return app.MapPost("/" + functionName, async (HttpContext context, IOptions<FunctionsOptions> options, CancellationToken cancellationToken) =>
        {
            var max = options.Value.MaxRequestBodyBytes;
            var body = await RequestBodyReader.ReadAsync(context.Request, max, cancellationToken);
            if (body is null)
            {
                return ErrorResults.TooLarge(max);
            }

            CustomHandlerInvocation invocation;
            try
            {
                invocation = CustomHandlerInvocation.Parse(body);
            }
            catch (FormatException e)
            {
                return ErrorResults.BadRequest(e.Message);
            }

            var response = await handler(invocation, context, cancellationToken);
            return Results.Json(response, ResponseOptions);
        }).WithName(functionName);
    }
}
