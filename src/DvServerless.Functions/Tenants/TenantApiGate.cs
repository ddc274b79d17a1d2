using System.Diagnostics.Metrics;
using System.Text.Json.Serialization;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Privacy;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Http;

namespace DvServerless.Functions.Tenants;

/// <summary>
/// The checks every tenant API request goes through, shared by <see cref="TenantApiAuthorization"/> and the token
/// endpoint: authentication (<c>Authorization: Bearer &lt;token&gt;</c>, <c>Robot-Key</c> + <c>Robot-Token</c>, or
/// <c>X-Api-Key</c>), the per-tenant rate limit
/// and the audit line. Fails closed: with no tenant and no admin key configured every API request gets 401 with a
/// message saying how to configure them.
/// </summary>
public sealed partial class TenantApiGate
{
    /// <summary>The header carrying an API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The header naming the tenant in the browser SDK's credential pair (with <see cref="RobotTokenHeader"/>).</summary>
    public const string RobotKeyHeader = "Robot-Key";

    /// <summary>The header carrying the tenant's API key in the browser SDK's credential pair.</summary>
    public const string RobotTokenHeader = "Robot-Token";

    /// <summary>The 401 message when nothing is configured.</summary>
    public const string NotConfiguredMessage =
        "The tenant API is closed: no tenants and no admin key are configured. Set Tenants:AdminKeyHash (or Tenants:AdminKey) "
        + "and/or tenants (Tenants:Items:N:Id with ApiKeyHash, or TENANT_CREDENTIALS=\"acme:KEY\"); see README \"Tenants, API keys and limits\".";

    private readonly TenantDirectory _directory;
    private readonly TenantTokenService _tokens;
    private readonly TenantRateLimiter _limiter;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantApiGate> _logger;
    private readonly FailedAuthenticationLimiter _failures;
    private readonly Counter<long> _auditFailures;

    /// <summary>Creates the gate.</summary>
    public TenantApiGate(
        TenantDirectory directory, TenantTokenService tokens, TenantRateLimiter limiter, IAuditLog audit, FailedAuthenticationLimiter failures,
        IMeterFactory meters, TimeProvider time, ILogger<TenantApiGate> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _directory = directory;
        _tokens = tokens;
        _limiter = limiter;
        _audit = audit;
        _failures = failures;
        _time = time;
        _logger = logger;
        _auditFailures = meters.Create(MeterName).CreateCounter<long>(AuditFailuresMetric, unit: "{entry}", description: "Audit lines that could not be written.");
    }

    /// <summary>The meter of the gate's metrics.</summary>
    public const string MeterName = "DvServerless.Functions.TenantApi";

    /// <summary>The counter of audit lines that could not be written (tag <c>tenant</c>).</summary>
    public const string AuditFailuresMetric = "dvs.audit.failures";

    /// <summary>Whether any tenant or an admin key is configured (otherwise every API request is refused).</summary>
    public bool IsConfigured => _directory.HasTenants || _directory.HasAdminKey;

    /// <summary>
    /// Authenticates the request: the <c>Authorization</c> header when present (it must be <c>Bearer &lt;token&gt;</c>),
    /// else the pair <c>Robot-Key: &lt;tenant id&gt;</c> + <c>Robot-Token: &lt;API key&gt;</c> when either is present (the key
    /// must be that tenant's: the admin key or another tenant's key is refused), otherwise <c>X-Api-Key</c>. Returns the
    /// caller, or null with the reason to put in the 401 body.
    /// </summary>
    public async Task<(TenantCaller? Caller, string Failure)> AuthenticateAsync(HttpRequest request)
    {
        if (!IsConfigured)
        {
            return (null, NotConfiguredMessage);
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            const string Scheme = "Bearer ";
            if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                return (null, "The Authorization header must be 'Bearer <token>' (a token from POST /api/v1/auth/token).");
            }

            var validation = await _tokens.ValidateAsync(authorization[Scheme.Length..].Trim()).ConfigureAwait(false);
            if (!validation.IsValid)
            {
                return (null, validation.Status == TenantTokenStatus.Expired
                    ? "The token has expired; get a new one from POST /api/v1/auth/token."
                    : "The token is not valid.");
            }

            // A token outlives configuration changes: a tenant removed since it was issued is refused.
            var caller = validation.Caller!;
            return caller.IsAdmin ? (_directory.HasAdminKey ? (caller, string.Empty) : (null, "The admin key is no longer configured."))
                : _directory.FindById(caller.TenantId) is not null ? (caller, string.Empty) : (null, "The token's tenant is no longer configured.");
        }

        var robotKey = request.Headers[RobotKeyHeader].ToString();
        var robotToken = request.Headers[RobotTokenHeader].ToString();
        if (robotKey.Length > 0 || robotToken.Length > 0)
        {
            if (robotKey.Length == 0 || robotToken.Length == 0)
            {
                return (null, "Send both 'Robot-Key: <tenant id>' and 'Robot-Token: <API key>'.");
            }

            // The key decides who the caller is; Robot-Key must merely agree with it (one message for every mismatch, so
            // the answer does not tell which tenant ids exist).
            var robot = _directory.Authenticate(robotToken);
            return robot is { IsAdmin: false } && string.Equals(robot.TenantId, robotKey, StringComparison.Ordinal)
                ? (robot, string.Empty)
                : (null, "The Robot-Token is not a valid API key of the tenant named in Robot-Key.");
        }

        var apiKey = request.Headers[ApiKeyHeader].ToString();
        if (apiKey.Length == 0)
        {
            return (null, "No credential: send 'Authorization: Bearer <token>', 'Robot-Key' + 'Robot-Token', or 'X-Api-Key: <key>'.");
        }

        var byKey = _directory.Authenticate(apiKey);
        return byKey is null ? (null, "The API key is not valid.") : (byKey, string.Empty);
    }

    /// <summary>Authenticates an API key given in a request body (the token endpoint).</summary>
    public TenantCaller? AuthenticateKey(string? apiKey) => IsConfigured ? _directory.Authenticate(apiKey) : null;

    /// <summary>
    /// Counts the request against the caller's per-minute limit; null when within it, otherwise the 429 result (already
    /// audited as <c>rate_limited</c>). The admin is not limited: it is the operator, and limits protect tenants from each other.
    /// </summary>
    public async Task<IResult?> CheckRateLimitAsync(HttpContext context, TenantCaller caller)
    {
        if (caller.IsAdmin)
        {
            return null;
        }

        var decision = await _limiter.TryAcquireAsync(caller.TenantId!, context.RequestAborted).ConfigureAwait(false);
        if (decision.Allowed)
        {
            return null;
        }

        LogRateLimited(caller.TenantId!, decision.Limit);
        await AuditAsync(context, caller, StatusCodes.Status429TooManyRequests, AuditAction.RateLimited).ConfigureAwait(false);
        return ErrorResults.TooManyRequests(context, "rate limit exceeded",
            $"Over {decision.Limit} requests per minute; retry in {decision.RetryAfterSeconds} s.", decision.RetryAfterSeconds);
    }

    /// <summary>
    /// The 401 answer (audited as <c>auth_failed</c>); past <see cref="FailedAuthenticationOptions.MaxFailuresPerMinute"/>
    /// failures a minute from the same client address, 429 with <c>Retry-After</c> and no audit write.
    /// </summary>
    public async Task<IResult> RefuseAsync(HttpContext context, string message)
    {
        if (_failures.RecordFailure(context.Connection.RemoteIpAddress?.ToString() ?? "unknown") is { } retryAfter)
        {
            LogAuthFailuresLimited(context.Request.Method, PiiMasker.Mask(context.Request.Path.Value ?? string.Empty));
            return ErrorResults.TooManyRequests(context, "too many failed authentications",
                $"Too many failed authentications from this address; retry in {retryAfter} s.", retryAfter);
        }

        LogAuthFailed(context.Request.Method, PiiMasker.Mask(context.Request.Path.Value ?? string.Empty));
        await AuditAsync(context, null, StatusCodes.Status401Unauthorized, AuditAction.AuthFailed).ConfigureAwait(false);
        return ErrorResults.Unauthorized(context, message);
    }

    /// <summary>
    /// Appends one audit line for the request. A storage failure is logged at error, counted in
    /// <see cref="AuditFailuresMetric"/> (alert on it) and does not fail the request: the audit log must not turn a
    /// storage hiccup into an API outage.
    /// </summary>
    public async Task AuditAsync(HttpContext context, TenantCaller? caller, int status, AuditAction action)
    {
        if (!IsConfigured)
        {
            // Nothing configured means no tenants to account for: the closed API writes no audit (and needs no storage).
            return;
        }

        var entry = new AuditEntry
        {
            Timestamp = _time.GetUtcNow(),
            TenantId = caller is null ? AuditEntry.AnonymousTenantId : caller.IsAdmin ? AuditEntry.AdminTenantId : caller.TenantId!,
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? "/",
            Status = status,
            Action = action,
        };
        try
        {
            await _audit.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _auditFailures.Add(1, new KeyValuePair<string, object?>("tenant", entry.TenantId));
            LogAuditFailed(entry.TenantId, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "API request {Method} {Path} refused: authentication failed.")]
    private partial void LogAuthFailed(string method, string path);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "API request of tenant {TenantId} refused: over {Limit} requests per minute.")]
    private partial void LogRateLimited(string tenantId, int limit);

    [LoggerMessage(EventId = 3604, Level = LogLevel.Warning, Message = "API request {Method} {Path} refused with 429: too many failed authentications from the client address.")]
    private partial void LogAuthFailuresLimited(string method, string path);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Error, Message = "Could not append the audit line of {TenantId} ({ErrorType}).")]
    private partial void LogAuditFailed(string tenantId, string errorType);
}
