using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.CallCommands;

/// <summary>Function <c>ComfortStart</c>: <c>POST /api/v1/comfort/{id}/start</c>: Plays comfort noise toward the caller of a live call whenever the agent is silent, whatever it is doing.</summary>
public sealed class ComfortStartFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/comfort/{id}/start";

    private readonly TenantApiAuthorization _authorization;
    private readonly CallCommandService _commands;

    /// <summary>Creates the function.</summary>
    public ComfortStartFunction(TenantApiAuthorization authorization, CallCommandService commands)
    {
        _authorization = authorization;
        _commands = commands;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Calls")]
    [EndpointSummary("Plays comfort noise toward the caller of a live call whenever the agent is silent, whatever it is doing.")]
    [ProducesResponseType<CallCommandReply>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [Function("ComfortStart")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
            CallCommandHttpResults.From(req, await _commands.ComfortAsync(id, on: true, cancellationToken), () => new CallCommandReply(id, "comfort-start")));
    }
}
