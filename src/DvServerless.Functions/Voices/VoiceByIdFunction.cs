using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Voices;
using DvServerless.Core.Tts;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Voices;

/// <summary>Function <c>VoiceById</c>: <c>DELETE /api/voices/{voiceId}</c> removes the sample, the record and the provider's voice.</summary>
public sealed partial class VoiceByIdFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "voices/{voiceId}";

    private readonly TenantApiAuthorization _authorization;
    private readonly VoiceService _voices;
    private readonly ILogger<VoiceByIdFunction> _logger;

    /// <summary>Creates the function.</summary>
    public VoiceByIdFunction(TenantApiAuthorization authorization, VoiceService voices, ILogger<VoiceByIdFunction> logger)
    {
        _authorization = authorization;
        _voices = voices;
        _logger = logger;
    }

    /// <summary>Deletes the voice (204), 404 when the tenant has no such voice.</summary>
    [Tags("Voices")]
    [EndpointSummary("Deletes a voice: its sample, its record and the provider's voice.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [Function("VoiceById")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Route)] HttpRequest req, string voiceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            if (!CallIdFormat.IsValid(voiceId))
            {
                return ErrorResults.NotFound("No such voice.");
            }

            try
            {
                return await _voices.DeleteAsync(RequestTenant.Of(req.HttpContext), voiceId, cancellationToken)
                    ? Results.NoContent()
                    : ErrorResults.NotFound("No such voice.");
            }
            catch (Exception e) when (e is TextToSpeechException or HttpRequestException)
            {
                // The record is kept so the delete can be retried once the provider answers; the provider's text goes to the log only.
                LogProviderRefused(voiceId, e.Message);
                return ErrorResults.Error(StatusCodes.Status502BadGateway, "provider_error", "The provider refused to delete the voice; nothing was removed. Retry later.");
            }
        });
    }

    [LoggerMessage(EventId = 5212, Level = LogLevel.Warning, Message = "The voice provider refused to delete voice {VoiceId}: {Reason}")]
    private partial void LogProviderRefused(string voiceId, string reason);
}
