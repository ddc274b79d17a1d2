using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
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
/// <c>GET /media/browser?token=…[&amp;debug=1][&amp;sessionId=…]</c>: the WebSocket a browser page opens for a session started with
/// <c>POST /api/v1/voice/start</c>. The token (purpose BrowserMedia, single use) names the session: 401 without a token,
/// 403 for a bad, expired, used or other-purpose token, 404 when the session does not exist, 409 when it is final or
/// already has a live leg. Then the session runs on <see cref="BrowserCallRunner"/>.
/// </summary>
public static partial class BrowserMediaEndpoint
{
    /// <summary>The route.</summary>
    public const string Path = "/media/browser";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointConventionBuilder MapBrowserMedia(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, HandleAsync).ExcludeFromDescription();

    private static async Task HandleAsync(HttpContext context, MediaTokenService tokens, ActiveCalls calls, ICallSessionStore sessions,
        BrowserSessions live, BrowserCallRunner runner, MediaWorkerMetrics metrics, ILoggerFactory loggers, MediaTokenReplayGuard replays)
    {
        var logger = loggers.CreateLogger(typeof(BrowserMediaEndpoint).FullName!);
        if (calls.IsDraining)
        {
            Reject(context, metrics, StatusCodes.Status503ServiceUnavailable, logger, "-", "the worker is draining");
            return;
        }

        // The token names the session; a client that also names it (?sessionId=) gets 403 when the two differ.
        var token = context.Request.Query["token"].ToString();
        var named = context.Request.Query["sessionId"].ToString();
        var validation = tokens.Validate(token, MediaTokenPurpose.BrowserMedia, named.Length == 0 ? null : named);
        if (validation.Status == MediaTokenStatus.Missing)
        {
            Reject(context, metrics, StatusCodes.Status401Unauthorized, logger, "-", "no token");
            return;
        }

        if (!validation.IsValid || !CallIdFormat.IsValid(validation.CallId))
        {
            Reject(context, metrics, StatusCodes.Status403Forbidden, logger, "-", "token " + validation.Status);
            return;
        }

        if (replays.WasConsumed(validation))
        {
            // A used token is refused as such, whatever the session's state now.
            Reject(context, metrics, StatusCodes.Status403Forbidden, logger, "-", "token already used");
            return;
        }

        var sessionId = validation.CallId!;
        var session = await sessions.GetAsync(sessionId, context.RequestAborted).ConfigureAwait(false);
        if (session is null || session.Channel != CallChannel.Browser)
        {
            Reject(context, metrics, StatusCodes.Status404NotFound, logger, sessionId, "no such browser session");
            return;
        }

        if (CallStateMachine.IsFinal(session.State) || live.Contains(sessionId))
        {
            Reject(context, metrics, StatusCodes.Status409Conflict, logger, sessionId,
                CallStateMachine.IsFinal(session.State) ? "the session is over" : "the session already has a live leg");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            Reject(context, metrics, StatusCodes.Status400BadRequest, logger, sessionId, "not a WebSocket request");
            return;
        }

        using var reservation = live.TryReserve(sessionId);
        if (reservation is null)
        {
            Reject(context, metrics, StatusCodes.Status409Conflict, logger, sessionId, "the session already has a live leg");
            return;
        }

        // Last check before the upgrade, so a socket refused for another reason does not burn the token.
        if (!replays.TryConsume(validation))
        {
            Reject(context, metrics, StatusCodes.Status403Forbidden, logger, sessionId, "token already used");
            return;
        }

        var debug = context.Request.Query["debug"].ToString() is "1" or "true";
        LogAccepted(logger, sessionId, debug);
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var reason = await runner.RunAsync(socket, session, debug, reservation, context.RequestAborted).ConfigureAwait(false);
        LogEnded(logger, sessionId, reason);
    }

    private static void Reject(HttpContext context, MediaWorkerMetrics metrics, int status, ILogger logger, string sessionId, string reason)
    {
        metrics.SocketRejected();
        context.Response.StatusCode = status;
        LogRefused(logger, sessionId, status, reason);
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Browser media socket for session {SessionId} refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string sessionId, int status, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Browser media socket for session {SessionId} accepted (debug {Debug})")]
    private static partial void LogAccepted(ILogger logger, string sessionId, bool debug);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Browser session {SessionId} ended ({Reason})")]
    private static partial void LogEnded(ILogger logger, string sessionId, string reason);
}
