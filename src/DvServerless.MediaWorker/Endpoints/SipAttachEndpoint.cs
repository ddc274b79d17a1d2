using System.Text.Json;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Security;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Security;
using DvServerless.MediaWorker.Sip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Endpoints;

/// <summary>
/// The worker's internal SIP endpoints, on its internal port (<see cref="InternalPort"/>), called by the Functions app
/// when it has no Storage queues (<see cref="Commands.SipQueueListener"/> is the path with them): <c>GET /internal/sip/capacity?callId=…</c>
/// (is there room for one more call) and <c>POST /internal/sip/attach {callId, sipCallId}</c> (attach the sideband of
/// an accepted call; answered 202 at once, the sideband runs in the background). Both require
/// <c>Authorization: Bearer</c> a SIP attach media token bound to the call, signed with the key the two apps share, and
/// used once: 401 without one, 403 for a bad, expired, other call's or already used token. An attach token must also be
/// bound to the SIP call id the body names.
/// </summary>
public static partial class SipAttachEndpoint
{
    /// <summary>The attach route.</summary>
    public const string AttachPath = "/internal/sip/attach";

    /// <summary>The capacity route.</summary>
    public const string CapacityPath = "/internal/sip/capacity";

    private const int MaxBodyBytes = 4096;

    /// <summary>Maps both endpoints.</summary>
    public static IEndpointRouteBuilder MapSipAttach(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AttachPath, AttachAsync).ExcludeFromDescription().RequireInternalPort();
        endpoints.MapGet(CapacityPath, Capacity).ExcludeFromDescription().RequireInternalPort();
        return endpoints;
    }

    private static IResult Capacity(HttpContext context, MediaTokenService tokens, MediaTokenReplayGuard replays, SidebandCallRunner runner, ILoggerFactory loggers)
    {
        var callId = context.Request.Query["callId"].ToString();
        var refused = Authenticate(context, tokens, replays, callId, loggers);
        if (refused is not null)
        {
            return refused;
        }

        var capacity = runner.Capacity;
        return Results.Json(new CapacityReply(capacity.Active, capacity.Limit, capacity.Available));
    }

    private static async Task<IResult> AttachAsync(HttpContext context, MediaTokenService tokens, MediaTokenReplayGuard replays, SidebandCallRunner runner,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(SipAttachEndpoint).FullName!);

        // Authenticate before reading the body: an anonymous caller gets nothing parsed. The token names the call; the
        // body must name the same one.
        var token = BearerToken(context);
        if (token is null)
        {
            LogRefused(logger, "no bearer token");
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var validation = tokens.Validate(token, MediaTokenPurpose.SipAttach);
        if (!validation.IsValid)
        {
            LogRefused(logger, "token " + validation.Status);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        AttachRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<AttachRequest>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Results.BadRequest(new ErrorReply("The body must be JSON {\"callId\":…,\"sipCallId\":…}."));
        }

        if (request is null || !CallIdFormat.IsValid(request.CallId) || !RealtimeCallIncomingParser.IsCallId(request.SipCallId))
        {
            return Results.BadRequest(new ErrorReply("callId and sipCallId must be well-formed call ids."));
        }

        // The token must name this call and be bound to this SIP call: a token minted to attach one SIP call cannot
        // attach another, even for the same call id.
        var bound = tokens.Validate(token, MediaTokenPurpose.SipAttach, request.CallId, request.SipCallId);
        if (!bound.IsValid)
        {
            LogRefused(logger, bound.Status == MediaTokenStatus.WrongCall ? "token is for another call or SIP call" : "token " + bound.Status);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!replays.TryConsume(bound))
        {
            LogRefused(logger, "token already used");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        // Both ids were checked well-formed above.
        var (callId, sipCallId) = (request.CallId!, request.SipCallId!);
        var result = runner.TryStart(callId, sipCallId, bound.Owner);
        LogAttach(logger, callId, result);
        return result switch
        {
            SidebandStartResult.Started => Results.Json(new AttachReply(callId, "attaching"), statusCode: StatusCodes.Status202Accepted),
            SidebandStartResult.AlreadyAttached => Results.Json(new ErrorReply("A sideband for this call already runs."), statusCode: StatusCodes.Status409Conflict),
            _ => Results.Json(new ErrorReply(result == SidebandStartResult.Draining ? "The worker is draining." : "The worker is at capacity."),
                statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }

    private static IResult? Authenticate(HttpContext context, MediaTokenService tokens, MediaTokenReplayGuard replays, string callId, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(SipAttachEndpoint).FullName!);
        var token = BearerToken(context);
        if (token is null)
        {
            LogRefused(logger, "no bearer token");
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (string.IsNullOrEmpty(callId))
        {
            return Results.BadRequest(new ErrorReply("callId is missing."));
        }

        var validation = tokens.Validate(token, MediaTokenPurpose.SipAttach, callId);
        if (!validation.IsValid)
        {
            LogRefused(logger, "token " + validation.Status);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!replays.TryConsume(validation))
        {
            LogRefused(logger, "token already used");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        return null;
    }

    private static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length ? header[Scheme.Length..].Trim() : null;
    }

    internal sealed record AttachRequest(string? CallId, string? SipCallId);

    internal sealed record AttachReply(string CallId, string State);

    internal sealed record CapacityReply(int Active, int Limit, bool Available);

    internal sealed record ErrorReply(string Message);

    [LoggerMessage(EventId = 3751, Level = LogLevel.Warning, Message = "Internal SIP request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 3752, Level = LogLevel.Information, Message = "SIP attach for call {CallId}: {Result}")]
    private static partial void LogAttach(ILogger logger, string callId, SidebandStartResult result);
}
