using System.Text.Json;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Auth;

/// <summary>
/// Function <c>AuthToken</c>: <c>POST /api/v1/auth/token</c> with <c>{"apiKey":"…"}</c> → <c>{"token":"…","expiresAt":"…"}</c>.
/// Exchanges a tenant's (or the admin's) API key for a short-lived token. A wrong key gets 401 (<c>auth_failed</c>); issuing
/// counts against the tenant's rate limit.
/// </summary>
public sealed class AuthTokenFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/auth/token";

    private const int MaxBodyBytes = 4096;

    private readonly TenantApiGate _gate;
    private readonly TenantTokenService _tokens;

    /// <summary>Creates the function.</summary>
    public AuthTokenFunction(TenantApiGate gate, TenantTokenService tokens)
    {
        _gate = gate;
        _tokens = tokens;
    }

    /// <summary>Issues a token for the key in the body.</summary>
    [Tags("Auth")]
    [EndpointSummary("Exchanges an API key for a 15-minute token.")]
    [OpenApiRequestBody(typeof(AuthTokenRequest))]
    [ProducesResponseType<TenantToken>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [Function("AuthToken")]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        var context = req.HttpContext;
        var body = await RequestBodyReader.ReadAsync(req, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return ErrorResults.TooLarge(MaxBodyBytes);
        }

        var apiKey = ApiKeyOf(body);
        if (string.IsNullOrEmpty(apiKey))
        {
            await _gate.AuditAsync(context, null, StatusCodes.Status400BadRequest, AuditAction.AuthFailed);
            return ErrorResults.BadRequest("The body must be {\"apiKey\":\"<your API key>\"}.");
        }

        var caller = _gate.AuthenticateKey(apiKey);
        if (caller is null)
        {
            return await _gate.RefuseAsync(context, _gate.IsConfigured ? "The API key is not valid." : TenantApiGate.NotConfiguredMessage);
        }

        var limited = await _gate.CheckRateLimitAsync(context, caller);
        if (limited is not null)
        {
            return limited;
        }

        var token = _tokens.Issue(caller);
        await _gate.AuditAsync(context, caller, StatusCodes.Status200OK, AuditAction.ApiAccess);
        return Results.Json(token);
    }

    internal static string? ApiKeyOf(BinaryData body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("apiKey", out var key) && key.ValueKind == JsonValueKind.String
                ? key.GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a key System.Text.Json cannot decode (a lone surrogate escape such as "\uD800").
            return null;
        }
    }
}
