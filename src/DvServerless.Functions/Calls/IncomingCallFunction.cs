using DvServerless.Adapters.Acs.Events;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Function <c>IncomingCall</c>: the Event Grid webhook for <c>Microsoft.Communication.IncomingCall</c>, guarded by its own
/// function key. Answers the Event Grid schema handshake (<c>aeg-event-type: SubscriptionValidation</c>) and the CloudEvents
/// handshake (OPTIONS with <c>WebHook-Request-Origin</c>), and hands each IncomingCall event to <see cref="IncomingCallService"/>.
/// </summary>
public sealed partial class IncomingCallFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "acs/incoming-call";

    private readonly IncomingCallService _service;
    private readonly AcsWebhookAuthenticator _authenticator;
    private readonly FunctionsOptions _options;
    private readonly ILogger<IncomingCallFunction> _logger;

    /// <summary>Creates the function.</summary>
    public IncomingCallFunction(IncomingCallService service, AcsWebhookAuthenticator authenticator, IOptions<FunctionsOptions> options, ILogger<IncomingCallFunction> logger)
    {
        _service = service;
        _authenticator = authenticator;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Handles one delivery or handshake.</summary>
    [Tags("Webhooks")]
    [EndpointSummary("Event Grid delivers ACS incoming calls (and the subscription handshakes).")]
    [OpenApiWebhook("Azure Event Grid (Microsoft.Communication.IncomingCall, Event Grid or CloudEvents schema)", "The Functions host checks the function key of IncomingCall (?code=); the app checks aeg-subscription-name when EventGrid__SubscriptionName is set.")]
    [ProducesResponseType<IncomingCallFunction.DeliveryResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<IncomingCallFunction.DeliveryResponse>(StatusCodes.Status503ServiceUnavailable)]
    [Function("IncomingCall")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", "options", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (_authenticator.CheckEventGrid(req) is { } refusal)
        {
            return refusal;
        }

        return HttpMethods.IsOptions(req.Method) ? Handshake(req) : await DeliverAsync(req, cancellationToken);
    }

    // CloudEvents 1.0 abuse-protection handshake: echo the origin to allow it.
    private static IResult Handshake(HttpRequest request)
    {
        var origin = request.Headers["WebHook-Request-Origin"].ToString();
        if (string.IsNullOrWhiteSpace(origin))
        {
            return ErrorResults.BadRequest("An OPTIONS request must carry the WebHook-Request-Origin header (CloudEvents webhook validation).");
        }

        var headers = request.HttpContext.Response.Headers;
        headers["WebHook-Allowed-Origin"] = origin;
        headers["WebHook-Allowed-Rate"] = "*";
        headers.Allow = HttpMethods.Post;
        return Results.Ok();
    }

    private async Task<IResult> DeliverAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var max = _options.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(request, max, cancellationToken);
        if (body is null)
        {
            return ErrorResults.TooLarge(max);
        }

        EventGridDelivery delivery;
        try
        {
            delivery = EventGridDeliveryParser.Parse(body, request.Headers["aeg-event-type"].FirstOrDefault());
        }
        catch (FormatException e)
        {
            LogMalformed(e.Message);
            return ErrorResults.BadRequest("The body is not an Event Grid delivery: " + e.Message);
        }

        if (delivery.ValidationCode is not null)
        {
            LogValidation();
            return Results.Json(new ValidationReply(delivery.ValidationCode));
        }

        foreach (var type in delivery.IgnoredEventTypes)
        {
            LogIgnoredType(type);
        }

        var outcomes = new List<IncomingCallOutcome>(delivery.IncomingCalls.Count);
        foreach (var notification in delivery.IncomingCalls)
        {
            outcomes.Add(await _service.HandleAsync(notification, cancellationToken));
        }

        var reply = new DeliveryResponse(outcomes.Select(o => new CallResponse(o.CallId, o.Result.ToString())).ToList(), delivery.IgnoredEventTypes.Count);
        if (outcomes.Any(o => o.Result == IncomingCallResult.InProgress))
        {
            // Another delivery is deciding a call of this one: Event Grid redelivers the whole delivery, whose other
            // calls are then duplicates (no-ops).
            return ErrorResults.RetryLater(request.HttpContext, reply);
        }

        return Results.Json(reply);
    }

    /// <summary>The Event Grid schema handshake answer.</summary>
    public sealed record ValidationReply(string ValidationResponse);

    /// <summary>What became of each call of a delivery.</summary>
    public sealed record DeliveryResponse(IReadOnlyList<CallResponse> Calls, int Ignored);

    /// <summary>One call of a delivery.</summary>
    public sealed record CallResponse(string CallId, string Result);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Rejected a malformed Event Grid delivery: {Reason}")]
    private partial void LogMalformed(string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Answered the Event Grid subscription validation handshake.")]
    private partial void LogValidation();

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Ignored an Event Grid event of type {EventType}.")]
    private partial void LogIgnoredType(string eventType);
}
