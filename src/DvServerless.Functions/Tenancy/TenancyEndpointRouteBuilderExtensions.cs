using DvServerless.Functions.Api;

namespace DvServerless.Functions.Tenancy;

/// <summary>Puts tenancy into the request pipeline: webhook authentication, the tenant API and <c>.RequireTenant()</c>.</summary>
public static class TenancyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="WebhookAuthenticationMiddleware"/>. Call before the endpoints are mapped (the implicit routing of
    /// <see cref="WebApplication"/> has chosen the endpoint by then, so the middleware sees its name).
    /// </summary>
    public static WebApplication UseTenancy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<WebhookAuthenticationMiddleware>();
        return app;
    }

    /// <summary>Maps the tenant API: <c>POST /api/v1/auth/token</c>, the sessions API and the admin audit read.</summary>
    public static IEndpointRouteBuilder MapTenancyApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        AuthTokenEndpoint.Map(app);
        SessionsApi.Map(app);
        AuditApi.Map(app);
        return app;
    }

    /// <summary>
    /// Requires an authenticated tenant or admin on the endpoint(s): <see cref="TenantAuthorizationFilter"/> answers 401/429,
    /// audits the request and provides <see cref="ITenantContext"/> to the handler.
    /// </summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, TenantAuthorizationFilter>();
    }
}
