using DvServerless.Core.Security;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Endpoints;

/// <summary>
/// <c>GET /media/acs?callId=…&amp;token=…</c>: the WebSocket ACS opens for bidirectional media streaming. The per-call
/// token is checked before the upgrade is accepted; then the call runs on <see cref="AcsCallRunner"/>.
/// </summary>
public static partial class AcsMediaEndpoint
{
    /// <summary>The route.</summary>
    public const string Path = "/media/acs";

    // Header values are logged for correlation with ACS; they are ids, but cap them so a client cannot flood the log.
    private const int MaxHeaderLogLength = 128;

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointConventionBuilder MapAcsMedia(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, HandleAsync).ExcludeFromDescription();

    private static async Task HandleAsync(HttpContext context, MediaTokenService tokens, ActiveCalls calls, AcsCallRunner runner,
        MediaWorkerMetrics metrics, ILoggerFactory loggers, MediaTokenReplayGuard replays)
    {
        var logger = loggers.CreateLogger(typeof(AcsMediaEndpoint).FullName!);
        var connectionId = Header(context, "x-ms-call-connection-id");
        var correlationId = Header(context, "x-ms-call-correlation-id");
        var callId = context.Request.Query["callId"].ToString();

        if (calls.IsDraining)
        {
            Reject(context, metrics, StatusCodes.Status503ServiceUnavailable);
            LogRefused(logger, callId, "the worker is draining", connectionId, correlationId);
            return;
        }

        var validation = tokens.Validate(context.Request.Query["token"].ToString(), MediaTokenPurpose.AcsMedia, string.IsNullOrEmpty(callId) ? null : callId);
        if (validation.Status == MediaTokenStatus.Missing)
        {
            Reject(context, metrics, StatusCodes.Status401Unauthorized);
            LogRefused(logger, callId, "no token", connectionId, correlationId);
            return;
        }

        if (!validation.IsValid)
        {
            Reject(context, metrics, StatusCodes.Status403Forbidden);
            LogRefused(logger, callId, validation.Status switch
            {
                MediaTokenStatus.Expired => "token expired",
                MediaTokenStatus.WrongCall => "token is for another call",
                _ => "token invalid",
            }, connectionId, correlationId);
            return;
        }

        if (string.IsNullOrEmpty(callId))
        {
            Reject(context, metrics, StatusCodes.Status400BadRequest);
            LogRefused(logger, callId, "callId is missing", connectionId, correlationId);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            Reject(context, metrics, StatusCodes.Status400BadRequest);
            LogRefused(logger, callId, "not a WebSocket request", connectionId, correlationId);
            return;
        }

        // Last check before the upgrade, so a socket refused for another reason does not burn the token.
        if (!replays.TryConsume(validation))
        {
            Reject(context, metrics, StatusCodes.Status403Forbidden);
            LogRefused(logger, callId, "token already used", connectionId, correlationId);
            return;
        }

        LogAccepted(logger, callId, connectionId, correlationId);
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var reason = await runner.RunAsync(socket, callId, validation.Owner, context.RequestAborted).ConfigureAwait(false);
        LogEnded(logger, callId, reason);
    }

    private static void Reject(HttpContext context, MediaWorkerMetrics metrics, int status)
    {
        metrics.SocketRejected();
        context.Response.StatusCode = status;
    }

    private static string Header(HttpContext context, string name)
    {
        var value = context.Request.Headers[name].ToString();
        if (value.Length == 0)
        {
            return "-";
        }

        return value.Length > MaxHeaderLogLength ? value[..MaxHeaderLogLength] : value;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Media socket for call {CallId} refused: {Reason} (x-ms-call-connection-id {ConnectionId}, x-ms-call-correlation-id {CorrelationId})")]
    private static partial void LogRefused(ILogger logger, string callId, string reason, string connectionId, string correlationId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Media socket for call {CallId} accepted (x-ms-call-connection-id {ConnectionId}, x-ms-call-correlation-id {CorrelationId})")]
    private static partial void LogAccepted(ILogger logger, string callId, string connectionId, string correlationId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Media socket for call {CallId} ended ({Reason})")]
    private static partial void LogEnded(ILogger logger, string callId, CallEndReason reason);
}
