using DvServerless.Adapters.Tts;
using DvServerless.Core.Tts;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Tts;

/// <summary>Function <c>TtsCacheWarmupNow</c>: <c>POST /api/v1/tts-cache/warmup</c>, warms the tenant's configured prompts now and reports what it did.</summary>
public sealed class TtsCacheWarmupNowFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/tts-cache/warmup";

    private readonly TenantApiAuthorization _authorization;
    private readonly TtsWarmupService _warmup;

    /// <summary>Creates the function.</summary>
    public TtsCacheWarmupNowFunction(TenantApiAuthorization authorization, TtsWarmupService warmup)
    {
        _authorization = authorization;
        _warmup = warmup;
    }

    /// <summary>Runs the warm-up.</summary>
    [Tags("TTS cache")]
    [EndpointSummary("Synthesizes the tenant's configured prompts that are not cached yet, now.")]
    [ProducesResponseType<TtsWarmupReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [Function("TtsCacheWarmupNow")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ => Results.Json(await _warmup.WarmAsync(RequestTenant.Of(req.HttpContext), cancellationToken)));
    }
}
