using DvServerless.Adapters.Voices;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Voices;

/// <summary>
/// Function <c>ElevenLabsVoicesFetch</c>: <c>GET /api/v1/config/apikeys/voices/elevenlabs/fetch</c>, the same listing as
/// <c>GET /api/voices</c> under the path clients written for the ElevenLabs-configuration convention call.
/// </summary>
public sealed class ElevenLabsVoicesFetchFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/config/apikeys/voices/elevenlabs/fetch";

    private readonly TenantApiAuthorization _authorization;
    private readonly VoiceRequests _requests;

    /// <summary>Creates the function.</summary>
    public ElevenLabsVoicesFetchFunction(TenantApiAuthorization authorization, VoiceRequests requests)
    {
        _authorization = authorization;
        _requests = requests;
    }

    /// <summary>Lists the voices.</summary>
    [Tags("Voices")]
    [EndpointSummary("The voice listing, under the ElevenLabs-configuration path some clients call.")]
    [OpenApiQuery("live", typeof(bool), "Also fetch the live ElevenLabs list (default true).")]
    [ProducesResponseType<VoiceListing>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [Function("ElevenLabsVoicesFetch")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, _ => _requests.ListAsync(req, cancellationToken));
    }
}
