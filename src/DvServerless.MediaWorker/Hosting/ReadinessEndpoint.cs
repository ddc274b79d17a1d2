using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// <c>GET /readyz</c>: 200 while the worker admits new calls, 503 from the moment it starts to drain (SIGTERM), so the
/// Container Apps readiness probe takes the replica out of the ingress while its running calls finish. Liveness stays
/// on <c>/healthz</c>, which answers 200 while draining: a draining worker is alive and must not be restarted.
/// </summary>
public static class ReadinessEndpoint
{
    /// <summary>The route.</summary>
    public const string Path = "/readyz";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, (ActiveCalls calls) =>
        {
            if (!calls.IsDraining)
            {
                return Results.Text("ready");
            }

            // No Retry-After: this replica will not be ready again; the next one is another replica.
            return Results.Text("draining", statusCode: StatusCodes.Status503ServiceUnavailable);
        }).ExcludeFromDescription();
}
