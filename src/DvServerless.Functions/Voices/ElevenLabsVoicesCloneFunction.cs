using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Voices;

/// <summary>
/// Function <c>ElevenLabsVoicesClone</c>: <c>POST /api/v1/config/apikeys/voices/elevenlabs/clone</c>, the same upload as
/// <c>POST /api/voices</c> under the path clients written for the ElevenLabs-configuration convention call.
/// </summary>
public sealed class ElevenLabsVoicesCloneFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/config/apikeys/voices/elevenlabs/clone";

    private readonly TenantApiAuthorization _authorization;
    private readonly VoiceRequests _requests;

    /// <summary>Creates the function.</summary>
    public ElevenLabsVoicesCloneFunction(TenantApiAuthorization authorization, VoiceRequests requests)
    {
        _authorization = authorization;
        _requests = requests;
    }

    /// <summary>Adds (clones) a voice.</summary>
    [Tags("Voices")]
    [EndpointSummary("Adds a cloned voice (multipart/form-data: name, description, consent, file), under the ElevenLabs-configuration path some clients call.")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status415UnsupportedMediaType)]
    [Function("ElevenLabsVoicesClone")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, _ => _requests.AddAsync(req, cancellationToken));
    }
}
