using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Tts;
using DvServerless.Functions.CustomHandler;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Records;

using DvServerless.Functions.Tenancy;

namespace DvServerless.Functions.Tts;

/// <summary>
/// Functions <c>TtsCacheStats</c> (<c>GET /api/v1/tts-cache/stats</c>), <c>TtsCacheWarmupNow</c>
/// (<c>POST /api/v1/tts-cache/warmup</c>) and the timer <c>TtsCacheWarmup</c> (<c>POST /TtsCacheWarmup</c>, HOSTING.md §1.3).
/// </summary>
internal static partial class TtsCacheEndpoints
{
    public const string StatsRoute = "v1/tts-cache/stats";
    public const string WarmupRoute = "v1/tts-cache/warmup";
    public const string TimerFunction = "TtsCacheWarmup";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Api(StatsRoute), StatsAsync).WithName("TtsCacheStats").RequireTenant();
        app.MapPost(Api(WarmupRoute), WarmupAsync).WithName("TtsCacheWarmupNow").RequireTenant();
        app.MapCustomHandlerFunction(TimerFunction, TimerAsync);
    }

    private static string Api(string route) => "/" + FunctionRoutes.Prefix + "/" + route;

    private static async Task<IResult> StatsAsync(HttpContext context, BlobTtsCache cache, CancellationToken cancellationToken)
    {
        var stats = await cache.GetStatisticsAsync(RequestTenant.Of(context), cancellationToken);
        return Results.Json(new
        {
            stats.TenantId,
            stats.Hits,
            stats.Misses,
            stats.Evictions,
            stats.Entries,
            timeToLive = cache.Policy.TimeToLive,
            maxEntries = cache.Policy.MaxEntries,
        });
    }

    private static async Task<IResult> WarmupAsync(HttpContext context, TtsWarmupService warmup, CancellationToken cancellationToken) =>
        Results.Json(await warmup.WarmAsync(RequestTenant.Of(context), cancellationToken));

    private static async Task<CustomHandlerResponse> TimerAsync(CustomHandlerInvocation invocation, HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var reports = await TtsWarmupRun.WarmAllAsync(services.GetRequiredService<TtsWarmupService>(), cancellationToken);
        var timer = invocation.GetData<TimerTriggerInfo>("timer");
        var logs = new List<string>();
        if (timer?.IsPastDue == true)
        {
            logs.Add("TtsCacheWarmup: the run is past due.");
        }

        logs.AddRange(reports.Select(TtsWarmupRun.Describe));
        return new CustomHandlerResponse { Logs = logs, ReturnValue = null };
    }
}
