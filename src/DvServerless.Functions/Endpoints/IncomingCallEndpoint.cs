using DvServerless.Adapters.Acs.Events;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Endpoints;

/// <summary>
/// Function <c>IncomingCall</c>: the Event Grid webhook. Answers the Event Grid schema handshake
/// (<c>aeg-event-type: SubscriptionValidation</c>) and the CloudEvents handshake (OPTIONS with
/// <c>WebHook-Request-Origin</c>), and hands each IncomingCall event to <see cref="IncomingCallService"/>.
/// </summary>
internal static partial class IncomingCallEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var route = "/" + FunctionRoutes.Prefix + "/" + FunctionRoutes.IncomingCall;
        app.MapPost(route, HandlePostAsync).WithName("IncomingCall");
        app.MapMethods(route, [HttpMethods.Options], HandleOptions).WithName("IncomingCall.Handshake");
    }

    // CloudEvents 1.0 abuse-protection handshake: echo the origin to allow it.
    private static IResult HandleOptions(HttpContext context)
    {
        var origin = context.Request.Headers["WebHook-Request-Origin"].ToString();
        if (string.IsNullOrWhiteSpace(origin))
        {
            return ErrorResults.BadRequest("An OPTIONS request must carry the WebHook-Request-Origin header (CloudEvents webhook validation).");
        }

        context.Response.Headers["WebHook-Allowed-Origin"] = origin;
        context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        context.Response.Headers.Allow = HttpMethods.Post;
        return Results.Ok();
    }

    private static async Task<IResult> HandlePostAsync(
        HttpContext context,
        IncomingCallService service,
        IOptions<FunctionsOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(IncomingCallEndpoint).FullName!);
        var max = options.Value.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(context.Request, max, cancellationToken);
        if (body is null)
        {
            return ErrorResults.TooLarge(max);
        }

        EventGridDelivery delivery;
        try
        {
            delivery = EventGridDeliveryParser.Parse(body, context.Request.Headers["aeg-event-type"].FirstOrDefault());
        }
        catch (FormatException e)
        {
            LogMalformed(logger, e.Message);
            return ErrorResults.BadRequest("The body is not an Event Grid delivery: " + e.Message);
        }

        if (delivery.ValidationCode is not null)
        {
            LogValidation(logger);
            return Results.Json(new ValidationReply(delivery.ValidationCode));
        }

        foreach (var type in delivery.IgnoredEventTypes)
        {
            LogIgnoredType(logger, type);
        }

        var outcomes = new List<IncomingCallOutcome>(delivery.IncomingCalls.Count);
        foreach (var notification in delivery.IncomingCalls)
        {
            outcomes.Add(await service.HandleAsync(notification, cancellationToken));
        }

        var reply = new DeliveryResponse(outcomes.Select(o => new CallResponse(o.CallId, o.Result.ToString())).ToList(), delivery.IgnoredEventTypes.Count);
        if (outcomes.Any(o => o.Result == IncomingCallResult.InProgress))
        {
            // The whole delivery comes back: its other calls are then duplicates, which are no-ops.
            return ErrorResults.CallBeingDecided(context, reply);
        }

        return Results.Json(reply);
    }

    internal sealed record ValidationReply(string ValidationResponse);

    internal sealed record DeliveryResponse(IReadOnlyList<CallResponse> Calls, int Ignored);

    internal sealed record CallResponse(string CallId, string Result);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Rejected a malformed Event Grid delivery: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Answered the Event Grid subscription validation handshake.")]
    private static partial void LogValidation(ILogger logger);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Ignored an Event Grid event of type {EventType}.")]
    private static partial void LogIgnoredType(ILogger logger, string eventType);
}
