using DvServerless.Functions.BrowserSessions;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.CallCommands;

/// <summary>Function <c>SessionSay</c>: <c>POST /api/v1/sessions/{id}/say</c>: speaks text into a live call.</summary>
public sealed class SessionSayFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/sessions/{id}/say";

    private readonly TenantApiAuthorization _authorization;
    private readonly CallCommandService _commands;

    /// <summary>Creates the function.</summary>
    public SessionSayFunction(TenantApiAuthorization authorization, CallCommandService commands)
    {
        _authorization = authorization;
        _commands = commands;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Calls")]
    [EndpointSummary("Speaks text into a live call in the agent's voice (TTS through the prompt cache); interrupt cuts the agent off first, else it plays after the agent's current response. Recorded as an injected agent turn.")]
    [OpenApiRequestBody(typeof(SayRequest))]
    [ProducesResponseType<CallCommandReply>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status503ServiceUnavailable)]
    [Function("SessionSay")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            var (request, error) = await VoiceRequestBody.ReadAsync<SayRequest>(req, null, cancellationToken);
            return error ?? CallCommandHttpResults.From(req, await _commands.SayAsync(id, request!, cancellationToken), () => new CallCommandReply(id, "say"));
        });
    }
}
