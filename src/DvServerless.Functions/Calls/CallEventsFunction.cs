using DvServerless.Adapters.Acs.Events;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Function <c>CallEvents</c>: the Call Automation callback URI of one call (a CloudEvents array). Anonymous at the host:
/// ACS signs every callback with a JWT, which <see cref="AcsWebhookAuthenticator"/> checks.
/// </summary>
public sealed partial class CallEventsFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "acs/callbacks/{callId}";

    private readonly CallEventsService _service;
    private readonly AcsWebhookAuthenticator _authenticator;
    private readonly FunctionsOptions _options;
    private readonly ILogger<CallEventsFunction> _logger;

    /// <summary>Creates the function.</summary>
    public CallEventsFunction(CallEventsService service, AcsWebhookAuthenticator authenticator, IOptions<FunctionsOptions> options, ILogger<CallEventsFunction> logger)
    {
        _service = service;
        _authenticator = authenticator;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Applies the callback's events to the call's session.</summary>
    [Tags("Webhooks")]
    [EndpointSummary("ACS Call Automation callbacks of one call.")]
    [OpenApiWebhook("Azure Communication Services Call Automation (the callback URI given when the call was answered)", "Every callback carries an ACS-signed JWT (Authorization: Bearer, RS256, audience = the ACS resource id), checked by the app.")]
    [ProducesResponseType<CallEventsFunction.CallbackResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status503ServiceUnavailable)]
    [Function("CallEvents")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (await _authenticator.CheckCallbackAsync(req, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var max = _options.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(req, max, cancellationToken);
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
            LogMalformed(e.Message);
            return ErrorResults.BadRequest("The body is not a Call Automation event array: " + e.Message);
        }

        var outcome = await _service.ApplyAsync(callId, events, cancellationToken);
        if (!outcome.Found)
        {
            return ErrorResults.NotFound("No such call.");
        }

        return Results.Json(new CallbackResponse(outcome.Results.Select(r => r.ToString()).ToList()));
    }

    /// <summary>What became of each event.</summary>
    public sealed record CallbackResponse(IReadOnlyList<string> Results);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Rejected a malformed callback: {Reason}")]
    private partial void LogMalformed(string reason);
}
