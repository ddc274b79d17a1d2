using System.Security.Cryptography;
using System.Text;
using DvServerless.Adapters.Acs.Security;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Authenticates the two ACS webhooks before their functions act, the same way under the Functions host and standalone:
/// <list type="bullet">
/// <item><c>IncomingCall</c> (Event Grid): the subscription name when <see cref="EventGridWebhookOptions.SubscriptionName"/>
/// is set (403), PROTOCOL §4.2; standalone, also <see cref="EventGridWebhookOptions.SharedKey"/> as <c>?code=</c> (401) —
/// under the host its function key is checked before the app sees the request.</item>
/// <item><c>CallEvents</c> (ACS callbacks, anonymous at the host): the <c>Authorization: Bearer</c> JWT checked by
/// <see cref="AcsCallbackTokenValidator"/> (401; 503 while the signing keys cannot be fetched), PROTOCOL §3.4. In Azure,
/// callbacks are refused while callback authentication is off: nothing else protects them.</item>
/// </list>
/// Refusals change nothing and are logged without the presented credential.
/// </summary>
public sealed partial class AcsWebhookAuthenticator
{
    private readonly EventGridWebhookOptions _eventGrid;
    private readonly FunctionsHostingMode _mode;
    private readonly bool _inAzure;
    private readonly AcsCallbackTokenValidator? _callbacks;
    private readonly ILogger<AcsWebhookAuthenticator> _logger;

    /// <summary>Creates the authenticator; throws when the callback authentication settings are invalid.</summary>
    public AcsWebhookAuthenticator(IOptions<EventGridWebhookOptions> eventGrid, FunctionsHostingMode mode, IConfiguration configuration,
        TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(eventGrid);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(loggers);
        _eventGrid = eventGrid.Value;
        _mode = mode;
        _inAzure = !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);
        _logger = loggers.CreateLogger<AcsWebhookAuthenticator>();
        var callbackAuth = TenantsServiceCollectionExtensions.CallbackAuthOptions(configuration);
        if (callbackAuth is not null)
        {
            var errors = callbackAuth.Validate();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("Invalid ACS callback authentication settings: " + string.Join(" ", errors));
            }

            _callbacks = new AcsCallbackTokenValidator(callbackAuth, time, loggers.CreateLogger<AcsCallbackTokenValidator>());
        }
        else if (_inAzure)
        {
            LogCallbackAuthMissingInAzure();
        }
        else
        {
            LogCallbackAuthOff();
        }
    }

    /// <summary>Null when the Event Grid request may proceed, else the refusal to answer with.</summary>
    public IResult? CheckEventGrid(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_mode.UnderFunctionsHost && !string.IsNullOrEmpty(_eventGrid.SharedKey) && !HasSharedKey(request, _eventGrid.SharedKey))
        {
            LogRefused("IncomingCall", "missing or wrong ?code=");
            return ErrorResults.Unauthorized(request.HttpContext, "This webhook requires its key as ?code=.");
        }

        var subscription = request.Headers["aeg-subscription-name"].ToString();
        if (!string.IsNullOrEmpty(_eventGrid.SubscriptionName) && HttpMethods.IsPost(request.Method)
            && !string.Equals(subscription, _eventGrid.SubscriptionName, StringComparison.OrdinalIgnoreCase))
        {
            LogRefused("IncomingCall", "unexpected Event Grid subscription");
            return ErrorResults.Forbidden("This webhook serves another Event Grid subscription.");
        }

        return null;
    }

    /// <summary>Null when the callback may proceed, else the refusal to answer with.</summary>
    public async Task<IResult?> CheckCallbackAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_callbacks is null)
        {
            if (!_inAzure)
            {
                return null;
            }

            LogRefused("CallEvents", "callback authentication is not configured");
            return ErrorResults.Unauthorized(request.HttpContext, "Callbacks are refused: ACS callback authentication is not configured (Acs__CallbackAuth__ResourceId).");
        }

        var validation = await _callbacks.ValidateAuthorizationHeaderAsync(request.Headers.Authorization.ToString(), cancellationToken).ConfigureAwait(false);
        if (validation.IsAccepted)
        {
            return null;
        }

        LogRefused("CallEvents", validation.Status.ToString());
        if (validation.RefusalStatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            return ErrorResults.RetryLater(request.HttpContext, new ErrorBody("unavailable", "The ACS signing keys cannot be fetched right now; retry later."));
        }

        return validation.RefusalStatusCode == StatusCodes.Status401Unauthorized
            ? ErrorResults.Unauthorized(request.HttpContext, "The callback must carry a valid ACS 'Authorization: Bearer' token.")
            : ErrorResults.Error(validation.RefusalStatusCode, "forbidden", "The callback must carry a valid ACS 'Authorization: Bearer' token.");
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

    [LoggerMessage(EventId = 3622, Level = LogLevel.Information,
        Message = "ACS callback JWTs are not checked (Acs:CallbackAuth:Enabled is not true and no ResourceId is set); fine only for local development.")]
    private partial void LogCallbackAuthOff();

    [LoggerMessage(EventId = 3623, Level = LogLevel.Error,
        Message = "ACS callback authentication is not configured in Azure (set Acs__CallbackAuth__ResourceId); every callback is refused until it is.")]
    private partial void LogCallbackAuthMissingInAzure();

    [LoggerMessage(EventId = 3621, Level = LogLevel.Warning, Message = "Webhook {Endpoint} refused: {Reason}.")]
    private partial void LogRefused(string endpoint, string reason);
}
