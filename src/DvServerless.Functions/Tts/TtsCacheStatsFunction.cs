using DvServerless.Adapters.Storage;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Tts;

/// <summary>Function <c>TtsCacheStats</c>: <c>GET /api/v1/tts-cache/stats</c>, the tenant's prompt-cache hits, misses, evictions and entries.</summary>
public sealed class TtsCacheStatsFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/tts-cache/stats";

    private readonly TenantApiAuthorization _authorization;
    private readonly BlobTtsCache _cache;

    /// <summary>Creates the function.</summary>
    public TtsCacheStatsFunction(TenantApiAuthorization authorization, BlobTtsCache cache)
    {
        _authorization = authorization;
        _cache = cache;
    }

    /// <summary>Reads the statistics.</summary>
    [Tags("TTS cache")]
    [EndpointSummary("The tenant's TTS prompt-cache counters and policy.")]
    [ProducesResponseType<TtsCacheStatsFunction.TtsCacheStatsView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [Function("TtsCacheStats")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            var stats = await _cache.GetStatisticsAsync(RequestTenant.Of(req.HttpContext), cancellationToken);
            return Results.Json(new TtsCacheStatsView(stats.TenantId, stats.Hits, stats.Misses, stats.Evictions, stats.Entries,
                _cache.Policy.TimeToLive, _cache.Policy.MaxEntries));
        });
    }

    /// <summary>The answer: the tenant's counters and the cache policy.</summary>
    public sealed record TtsCacheStatsView(string TenantId, long Hits, long Misses, long Evictions, int Entries, TimeSpan TimeToLive, int MaxEntries);
}
