using DvServerless.Adapters.Voices;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Voices;

/// <summary>Function <c>Voices</c>: <c>GET /api/voices</c> lists the tenant's voice library; <c>POST /api/voices</c> adds (clones) a voice.</summary>
public sealed class VoicesFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "voices";

    private readonly TenantApiAuthorization _authorization;
    private readonly VoiceRequests _requests;

    /// <summary>Creates the function.</summary>
    public VoicesFunction(TenantApiAuthorization authorization, VoiceRequests requests)
    {
        _authorization = authorization;
        _requests = requests;
    }

    /// <summary>Lists or adds.</summary>
    [Tags("Voices")]
    [EndpointSummary("GET lists the tenant's voice library and the provider catalogues; POST (multipart/form-data: name, description, consent, file) adds a cloned voice (201).")]
    [OpenApiQuery("live", typeof(bool), "GET: also fetch the live ElevenLabs list (default true).")]
    [ProducesResponseType<VoiceListing>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status415UnsupportedMediaType)]
    [Function("Voices")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, _ => HttpMethods.IsGet(req.Method)
            ? _requests.ListAsync(req, cancellationToken)
            : _requests.AddAsync(req, cancellationToken));
    }
}
