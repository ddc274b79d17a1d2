using DvServerless.MediaWorker.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>The routes of the worker's internal port (<see cref="InternalPort"/>) and the filter that keeps the two ports apart.</summary>
public static class InternalPortEndpoints
{
    /// <summary>
    /// Keeps the ports apart (an internal route on the public port, or a public one on the internal port, is 404) and
    /// maps, on the internal port, <c>/metrics</c> (Prometheus) and the local stand-in for Azure SignalR's REST API
    /// (<see cref="LiveRestEndpoint"/>, when <c>Live:RestAccessKey</c> is set).
    /// </summary>
    public static WebApplication MapInternalPort(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var port = app.Services.GetRequiredService<InternalPort>();
        app.Use(async (context, next) =>
        {
            // Routing has run (it comes first in a WebApplication), so the matched endpoint says which port it is for.
            var internalRoute = context.GetEndpoint()?.Metadata.GetMetadata<InternalPortEndpointMetadata>() is not null;
            if (internalRoute != port.IsInternal(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context).ConfigureAwait(false);
        });

        app.MapPrometheusScrapingEndpoint("/metrics").RequireInternalPort();
        app.MapLiveRestEndpoint();
        return app;
    }

    /// <summary>Serves the endpoint(s) of <paramref name="builder"/> on the internal port only.</summary>
    public static TBuilder RequireInternalPort<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(InternalPortEndpointMetadata.Instance);
    }
}
