using System.Security.Cryptography;
using System.Text;
using DvServerless.Adapters.Acs.Security;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tenancy;

/// <summary>
/// Authenticates the webhooks before their handlers run, by endpoint name, so the handlers stay unchanged:
/// <list type="bullet">
/// <item><c>IncomingCall</c> (Event Grid): the shared key as <c>?code=</c> when <see cref="EventGridWebhookOptions.SharedKey"/>
/// is set and the app runs standalone (401); the subscription name when <see cref="EventGridWebhookOptions.SubscriptionName"/>
/// is set (403), PROTOCOL §4.2.</item>
/// <item><c>CallEvents</c> (ACS callbacks): the <c>Authorization: Bearer</c> JWT checked by <see cref="AcsCallbackTokenValidator"/>
/// when callback authentication is on (401; 503 while the signing keys cannot be fetched), PROTOCOL §3.4. That the callback
/// names the session's own call connection is checked by the handler.</item>
/// </list>
/// Refusals change nothing and are logged without the presented credential.
/// </summary>
public sealed partial class WebhookAuthenticationMiddleware
{
    /// <summary>The endpoint names of the Event Grid webhook.</summary>
    public static readonly IReadOnlySet<string> EventGridEndpoints = new HashSet<string>(StringComparer.Ordinal) { "IncomingCall", "IncomingCall.Handshake" };

    /// <summary>The endpoint name of the ACS callback.</summary>
    public const string CallbackEndpoint = "CallEvents";

    private readonly RequestDelegate _next;
    private readonly EventGridWebhookOptions _eventGrid;
    private readonly bool _underFunctionsHost;
    private readonly AcsCallbackTokenValidator? _callbacks;
    private readonly ILogger<WebhookAuthenticationMiddleware> _logger;

    /// <summary>Creates the middleware.</summary>
    public WebhookAuthenticationMiddleware(RequestDelegate next, IOptions<EventGridWebhookOptions> eventGrid, IConfiguration configuration,
        TimeProvider time, ILoggerFactory loggers)
    {
        _next = next;
        _eventGrid = eventGrid.Value;
        _underFunctionsHost = !string.IsNullOrWhiteSpace(configuration["FUNCTIONS_CUSTOMHANDLER_PORT"]);
        _logger = loggers.CreateLogger<WebhookAuthenticationMiddleware>();
        var callbackAuth = TenancyServiceCollectionExtensions.CallbackAuthOptions(configuration);
        if (callbackAuth is not null)
        {
            var errors = callbackAuth.Validate();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("Invalid ACS callback authentication settings: " + string.Join(" ", errors));
            }

            _callbacks = new AcsCallbackTokenValidator(callbackAuth, time, loggers.CreateLogger<AcsCallbackTokenValidator>());
        }
        else
        {
            LogCallbackAuthOff();
        }
    }

    /// <summary>Runs the checks for webhook endpoints; other requests pass through.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var name = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (name is not null && EventGridEndpoints.Contains(name))
        {
            if (!_underFunctionsHost && !string.IsNullOrEmpty(_eventGrid.SharedKey) && !HasSharedKey(context.Request, _eventGrid.SharedKey))
            {
                LogRefused(name, "missing or wrong ?code=");
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "This webhook requires its key as ?code=.").ConfigureAwait(false);
                return;
            }

            var subscription = context.Request.Headers["aeg-subscription-name"].ToString();
            if (!string.IsNullOrEmpty(_eventGrid.SubscriptionName) && HttpMethods.IsPost(context.Request.Method)
                && !string.Equals(subscription, _eventGrid.SubscriptionName, StringComparison.OrdinalIgnoreCase))
            {
                LogRefused(name, "unexpected Event Grid subscription");
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "This webhook serves another Event Grid subscription.").ConfigureAwait(false);
                return;
            }
        }
        else if (name == CallbackEndpoint && _callbacks is not null)
        {
            var validation = await _callbacks.ValidateAuthorizationHeaderAsync(context.Request.Headers.Authorization.ToString(), context.RequestAborted).ConfigureAwait(false);
            if (!validation.IsAccepted)
            {
                LogRefused(name, validation.Status.ToString());
                await RefuseAsync(context, validation.RefusalStatusCode, validation.RefusalStatusCode == StatusCodes.Status503ServiceUnavailable
                    ? "The ACS signing keys cannot be fetched right now; retry later."
                    : "The callback must carry a valid ACS 'Authorization: Bearer' token.").ConfigureAwait(false);
                return;
            }
        }

        await _next(context).ConfigureAwait(false);
    }

    private static bool HasSharedKey(HttpRequest request, string expected)
    {
        var presented = request.Query["code"].ToString();
        if (presented.Length == 0)
        {
            presented = request.Headers["x-functions-key"].ToString();
        }

        // Hash both sides so the comparison takes the same time whatever the lengths.
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return Results.Json(new TenantApiGate.ErrorBody(status == StatusCodes.Status403Forbidden ? "forbidden" : status == 503 ? "unavailable" : "unauthorized", message), statusCode: status)
            .ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 3622, Level = LogLevel.Information,
        Message = "ACS callback JWTs are not checked (Acs:CallbackAuth:Enabled is not true and no ResourceId is set); under the Functions host the function key still guards callbacks.")]
    private partial void LogCallbackAuthOff();

    [LoggerMessage(EventId = 3621, Level = LogLevel.Warning, Message = "Webhook {Endpoint} refused: {Reason}.")]
    private partial void LogRefused(string endpoint, string reason);
}
