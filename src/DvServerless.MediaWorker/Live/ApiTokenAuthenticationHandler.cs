using System.Security.Claims;
using System.Text.Encodings.Web;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// Authenticates live-hub requests with a tenant or admin API token (<see cref="LiveTokenValidator"/>): from
/// <c>Authorization: Bearer</c>, or from the <c>access_token</c> query parameter, which is how browsers' SignalR clients
/// send it on WebSockets and server-sent events. The principal carries the claims <c>role</c> and <c>tenant</c> as the
/// token does, so they also reach Azure SignalR Service's client token when the service is used, and the ticket expires
/// with the token.
/// </summary>
/// <remarks>
/// Only requests under <see cref="LiveHub.Path"/> are looked at: the worker's other routes authenticate their own way
/// (per-call media tokens), and this handler must not judge their headers.
/// </remarks>
public sealed class ApiTokenAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiToken";

    /// <summary>The query parameter SignalR clients put the token in where they cannot set headers.</summary>
    public const string QueryParameter = "access_token";

    private readonly LiveTokenValidator _validator;

    /// <summary>Creates the handler.</summary>
    public ApiTokenAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, LiveTokenValidator validator)
        : base(options, logger, encoder)
    {
        _validator = validator;
    }

    /// <summary>The caller <paramref name="user"/> stands for, or null when it is not an API-token principal.</summary>
    public static TenantCaller? CallerOf(ClaimsPrincipal? user)
    {
        var identity = user?.Identities.FirstOrDefault(i => i.IsAuthenticated && i.HasClaim(c => c.Type == TenantTokenService.RoleClaim));
        var role = identity?.FindFirst(TenantTokenService.RoleClaim)?.Value;
        var tenant = identity?.FindFirst(TenantTokenService.TenantClaim)?.Value;
        return role switch
        {
            "admin" when tenant is null => TenantCaller.Admin,
            "tenant" when TenantIds.IsValid(tenant) => TenantCaller.ForTenant(tenant!),
            _ => null,
        };
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Path.StartsWithSegments(LiveHub.Path, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = TokenOf(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var validation = await _validator.ValidateAsync(token).ConfigureAwait(false);
        if (!validation.IsValid || validation.Caller is not { } caller)
        {
            // The reason only: never the token.
            return AuthenticateResult.Fail($"API token {validation.Status.ToString().ToLowerInvariant()}.");
        }

        var claims = new List<Claim> { new(TenantTokenService.RoleClaim, caller.IsAdmin ? "admin" : "tenant") };
        if (caller.TenantId is not null)
        {
            claims.Add(new Claim(TenantTokenService.TenantClaim, caller.TenantId));
        }

        var identity = new ClaimsIdentity(claims, SchemeName, TenantTokenService.TenantClaim, TenantTokenService.RoleClaim);
        var properties = new AuthenticationProperties { ExpiresUtc = ExpiryOf(token) };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length == 0 ? null : value;
        }

        var query = request.Query[QueryParameter].ToString();
        return string.IsNullOrWhiteSpace(query) ? null : query;
    }

    private static DateTimeOffset? ExpiryOf(string token)
    {
        // Already validated: the expiry lets the hub close the connection when the token runs out (the client then
        // reconnects with a fresh token).
        var jwt = new JsonWebToken(token);
        return jwt.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
    }
}
