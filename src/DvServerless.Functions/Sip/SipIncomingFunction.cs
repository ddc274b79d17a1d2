using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>
/// Function <c>SipIncoming</c> (<c>POST /api/openai/sip</c>): OpenAI's project webhook, anonymous at the host because every
/// delivery carries a Standard Webhooks signature. <see cref="SipWebhookAuthenticator"/> checks it over the raw body before
/// anything else (400 on any doubt, nothing changed); the secret that verifies it names the tenant. Every event type it
/// does not act on (including <c>live.call.incoming</c>) is acknowledged with 200; <c>realtime.call.incoming</c> goes to
/// <see cref="SipIncomingService"/> with that tenant: 200 with the outcome, or 503 while another delivery of the call is
/// deciding it (so that OpenAI redelivers).
/// </summary>
public sealed partial class SipIncomingFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "openai/sip";

    private readonly SipIncomingService _service;
    private readonly SipWebhookAuthenticator _authenticator;
    private readonly FunctionsOptions _functions;
    private readonly ILogger<SipIncomingFunction> _logger;

    /// <summary>Creates the function.</summary>
    public SipIncomingFunction(SipIncomingService service, SipWebhookAuthenticator authenticator, IOptions<FunctionsOptions> functions, ILogger<SipIncomingFunction> logger)
    {
        _service = service;
        _authenticator = authenticator;
        _functions = functions.Value;
        _logger = logger;
    }

    /// <summary>Handles one webhook delivery.</summary>
    [Tags("Webhooks")]
    [EndpointSummary("OpenAI Realtime SIP calls (realtime.call.incoming).")]
    [OpenApiWebhook("OpenAI (the project webhook for realtime.call.incoming)", "Every delivery carries a Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature), checked by the app with OpenAI__WebhookSecret.")]
    [ProducesResponseType<SipIncomingFunction.CallReply>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<SipIncomingFunction.CallReply>(StatusCodes.Status503ServiceUnavailable)]
    [Function("SipIncoming")]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        var max = _functions.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(req, max, cancellationToken);
        if (body is null)
        {
            return ErrorResults.TooLarge(max);
        }

        // The raw bytes as received: re-serialized JSON would not verify. The secret that verifies names the tenant.
        var authentication = _authenticator.Authenticate(req.Headers, body.ToMemory().Span);
        if (!authentication.IsValid)
        {
            LogUnverified(authentication.Reason);
            return ErrorResults.BadRequest("The webhook signature could not be verified: " + authentication.Reason + ".");
        }

        RealtimeWebhookEvent parsed;
        try
        {
            parsed = RealtimeCallIncomingParser.Parse(req.Headers[StandardWebhookVerifier.IdHeader].ToString(), body.ToMemory().Span);
        }
        catch (FormatException e)
        {
            LogMalformed(e.Message);
            return ErrorResults.BadRequest(e.Message);
        }

        if (parsed.Call is null)
        {
            LogIgnored(parsed.Type);
            return Results.Json(new IgnoredReply(parsed.Type, "ignored"));
        }

        var outcome = await _service.HandleAsync(parsed.Call, authentication.TenantId, cancellationToken);
        if (outcome.Result == SipIncomingResult.InProgress)
        {
            return ErrorResults.RetryLater(req.HttpContext, new CallReply(outcome.CallId, outcome.Result.ToString(), null));
        }

        return Results.Json(new CallReply(outcome.CallId, outcome.Result.ToString(), outcome.RejectStatus));
    }

    /// <summary>The answer to an event the app does not act on.</summary>
    public sealed record IgnoredReply(string Type, string Result);

    /// <summary>What became of the call.</summary>
    public sealed record CallReply(string CallId, string Result, int? RejectStatus);

    [LoggerMessage(EventId = 3631, Level = LogLevel.Warning, Message = "Refused an OpenAI webhook: {Reason}.")]
    private partial void LogUnverified(string reason);

    [LoggerMessage(EventId = 3632, Level = LogLevel.Warning, Message = "Refused a malformed OpenAI webhook: {Reason}")]
    private partial void LogMalformed(string reason);

    [LoggerMessage(EventId = 3633, Level = LogLevel.Information, Message = "Acknowledged and ignored an OpenAI webhook of type {EventType}.")]
    private partial void LogIgnored(string eventType);
}
