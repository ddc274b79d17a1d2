using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.CallCommands;

/// <summary>Function <c>ComfortStop</c>: <c>POST /api/v1/comfort/{id}/stop</c>: Stops comfort noise on a live call, even while the agent thinks.</summary>
public sealed class ComfortStopFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/comfort/{id}/stop";

    private readonly TenantApiAuthorization _authorization;
    private readonly CallCommandService _commands;

    /// <summary>Creates the function.</summary>
    public ComfortStopFunction(TenantApiAuthorization authorization, CallCommandService commands)
    {
        _authorization = authorization;
        _commands = commands;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Calls")]
    [EndpointSummary("Stops comfort noise on a live call, even while the agent thinks.")]
    [ProducesResponseType<CallCommandReply>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [Function("ComfortStop")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
            CallCommandHttpResults.From(req, await _commands.ComfortAsync(id, on: false, cancellationToken), () => new CallCommandReply(id, "comfort-stop")));
    }
}
