using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Sip;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Endpoints;

/// <summary>
/// Function <c>SipIncoming</c> (<c>POST /api/openai/sip</c>): OpenAI's project webhook. Authenticates the delivery with
/// <see cref="SipWebhookAuthenticator"/> over the raw body before anything else (400 on any doubt, nothing changed; the
/// verifying secret names the tenant), acknowledges every event type it does not act on (including
/// <c>live.call.incoming</c>) with 200, and hands <c>realtime.call.incoming</c> to <see cref="SipIncomingService"/>
/// with that tenant: 200 with the outcome, or 503 while another delivery of the call is deciding it (so
/// that OpenAI redelivers).
/// </summary>
internal static partial class SipIncomingEndpoint
{
    /// <summary>The route below <c>/api</c>, as in <c>FunctionDefinitions/SipIncoming/function.json</c>.</summary>
    public const string Route = "openai/sip";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/" + FunctionRoutes.Prefix + "/" + Route, HandleAsync).WithName("SipIncoming");

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        SipIncomingService service,
        SipWebhookAuthenticator authenticator,
        IOptions<FunctionsOptions> functions,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SipIncomingEndpoint).FullName!);
        var max = functions.Value.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(context.Request, max, cancellationToken);
        if (body is null)
        {
            return ErrorResults.TooLarge(max);
        }

        // The raw bytes as received: re-serialized JSON would not verify. The secret that verifies names the tenant.
        var authentication = authenticator.Authenticate(context.Request.Headers, body.ToMemory().Span);
        if (!authentication.IsValid)
        {
            LogUnverified(logger, authentication.Reason);
            return ErrorResults.BadRequest("The webhook signature could not be verified: " + authentication.Reason + ".");
        }

        RealtimeWebhookEvent parsed;
        try
        {
            parsed = RealtimeCallIncomingParser.Parse(context.Request.Headers[StandardWebhookVerifier.IdHeader].ToString(), body.ToMemory().Span);
        }
        catch (FormatException e)
        {
            LogMalformed(logger, e.Message);
            return ErrorResults.BadRequest(e.Message);
        }

        if (parsed.Call is null)
        {
            LogIgnored(logger, parsed.Type);
            return Results.Json(new IgnoredReply(parsed.Type, "ignored"));
        }

        var outcome = await service.HandleAsync(parsed.Call, authentication.TenantId, cancellationToken);
        if (outcome.Result == SipIncomingResult.InProgress)
        {
            return ErrorResults.CallBeingDecided(context, new CallReply(outcome.CallId, outcome.Result.ToString(), null));
        }

        return Results.Json(new CallReply(outcome.CallId, outcome.Result.ToString(), outcome.RejectStatus));
    }

    internal sealed record IgnoredReply(string Type, string Result);

    internal sealed record CallReply(string CallId, string Result, int? RejectStatus);

    [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "Refused an OpenAI webhook: {Reason}.")]
    private static partial void LogUnverified(ILogger logger, string reason);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Refused a malformed OpenAI webhook: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Information, Message = "Acknowledged and ignored an OpenAI webhook of type {EventType}.")]
    private static partial void LogIgnored(ILogger logger, string eventType);
}
