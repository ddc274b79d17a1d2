using DvServerless.Functions.Tenancy;
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
    [Function("ElevenLabsVoicesClone")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, _ => _requests.AddAsync(req, cancellationToken));
    }
}
