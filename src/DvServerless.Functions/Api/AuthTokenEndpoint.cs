using System.Text.Json;
using DvServerless.Adapters.Tenancy;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Endpoints;
using DvServerless.Functions.Tenancy;

namespace DvServerless.Functions.Api;

/// <summary>
/// <c>POST /api/v1/auth/token</c> with <c>{"apiKey":"…"}</c> → <c>{"token":"…","expiresAt":"…"}</c>: exchanges a tenant's
/// (or the admin's) API key for a short-lived token. A wrong key gets 401 (<c>auth_failed</c>); issuing counts against the
/// tenant's rate limit.
/// </summary>
internal static class AuthTokenEndpoint
{
    private const int MaxBodyBytes = 4096;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(ApiRoutes.PathOf(ApiRoutes.AuthToken), HandleAsync).WithName("AuthToken");

    private static async Task<IResult> HandleAsync(HttpContext context, TenantApiGate gate, TenantTokenService tokens)
    {
        var body = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return ApiResults.TooLarge(MaxBodyBytes);
        }

        string? apiKey;
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            apiKey = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("apiKey", out var key) && key.ValueKind == JsonValueKind.String
                ? key.GetString()
                : null;
        }
        catch (JsonException)
        {
            apiKey = null;
        }

        if (string.IsNullOrEmpty(apiKey))
        {
            await gate.AuditAsync(context, null, StatusCodes.Status400BadRequest, AuditAction.AuthFailed);
            return ApiResults.BadRequest("The body must be {\"apiKey\":\"<your API key>\"}.");
        }

        var caller = gate.AuthenticateKey(apiKey);
        if (caller is null)
        {
            return await gate.RefuseAsync(context, gate.IsConfigured ? "The API key is not valid." : TenantApiGate.NotConfiguredMessage);
        }

        var limited = await gate.CheckRateLimitAsync(context, caller);
        if (limited is not null)
        {
            return limited;
        }

        var token = tokens.Issue(caller);
        await gate.AuditAsync(context, caller, StatusCodes.Status200OK, AuditAction.ApiAccess);
        return Results.Json(token);
    }
}
