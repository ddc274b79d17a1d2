using DvServerless.Functions.BrowserSessions;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.CallCommands;

/// <summary>Function <c>SayToAll</c>: <c>POST /api/v1/say</c>: speaks text into every live call of the caller's tenant.</summary>
public sealed class SayToAllFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/say";

    private readonly TenantApiAuthorization _authorization;
    private readonly CallCommandService _commands;

    /// <summary>Creates the function.</summary>
    public SayToAllFunction(TenantApiAuthorization authorization, CallCommandService commands)
    {
        _authorization = authorization;
        _commands = commands;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Calls")]
    [EndpointSummary("Speaks text into every live call of the caller's tenant (an admin adds ?tenant=); answers how many calls it reached.")]
    [OpenApiRequestBody(typeof(SayRequest))]
    [ProducesResponseType<SayToAllReply>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [Function("SayToAll")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async caller =>
        {
            var (request, error) = await VoiceRequestBody.ReadAsync<SayRequest>(req, null, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            var (outcome, message, reply) = await _commands.SayToAllAsync(caller, QueryValues.Text(req, "tenant"), request!, cancellationToken);
            return CallCommandHttpResults.From(req, (outcome, message), () => reply!);
        });
    }
}
