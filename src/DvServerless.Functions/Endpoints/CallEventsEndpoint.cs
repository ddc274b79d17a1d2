using DvServerless.Adapters.Acs.Events;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Endpoints;

/// <summary>Function <c>CallEvents</c>: the Call Automation callback URI of one call (a CloudEvents array).</summary>
internal static partial class CallEventsEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/" + FunctionRoutes.Prefix + "/" + FunctionRoutes.CallEvents, HandleAsync).WithName("CallEvents");

    private static async Task<IResult> HandleAsync(
        string callId,
        HttpContext context,
        CallEventsService service,
        IOptions<FunctionsOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var max = options.Value.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(context.Request, max, cancellationToken);
        if (body is null)
        {
            return ErrorResults.TooLarge(max);
        }

        IReadOnlyList<CallAutomationEvent> events;
        try
        {
            events = CallAutomationEventParser.Parse(body);
        }
        catch (FormatException e)
        {
            LogMalformed(loggers.CreateLogger(typeof(CallEventsEndpoint).FullName!), e.Message);
            return ErrorResults.BadRequest("The body is not a Call Automation event array: " + e.Message);
        }

        var outcome = await service.ApplyAsync(callId, events, cancellationToken);
        if (!outcome.Found)
        {
            return ErrorResults.NotFound("No such call.");
        }

        return Results.Json(new CallbackResponse(outcome.Results.Select(r => r.ToString()).ToList()));
    }

    internal sealed record CallbackResponse(IReadOnlyList<string> Results);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Rejected a malformed callback: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);
}
