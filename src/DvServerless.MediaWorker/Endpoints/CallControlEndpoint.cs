using System.Text.Json;
using DvServerless.Adapters.Storage;
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
/// <c>POST /internal/calls/{callId}/{stop|interrupt|audio|say|comfort-start|comfort-stop|note}</c>, the Functions app's
/// commands for one live call of any channel: <c>Authorization: Bearer</c> a CallControl media token bound to the call,
/// used once (401 without one, 403 for a bad or already used one); a JSON body (<c>{"enabled":bool}</c> for audio,
/// <c>{"text","voice"?,"interrupt"?}</c> for say, <c>{"text"}</c> for note; 400 when it does not fit). 200 <c>{"callId":…}</c> when done, 404 when
/// this worker runs no such call, 409 when the call's channel has no such control, 503 when speech cannot be made.
/// <c>/internal/browser/{sessionId}/{stop|interrupt|audio}</c> with a BrowserControl token is the same handler, kept for
/// a Functions app of the previous release during a rolling update. Both are on the worker's internal port only
/// (<see cref="InternalPort"/>); a Functions app with Storage queues sends the same commands by queue instead.
/// </summary>
public static partial class CallControlEndpoint
{
    /// <summary>The route pattern.</summary>
    public const string Pattern = "/internal/calls/{callId}/{action}";

    /// <summary>The browser-session route the previous Functions app calls.</summary>
    public const string BrowserPattern = "/internal/browser/{callId}/{action}";

    private const int MaxBodyBytes = 8 * 1024;

    /// <summary>Maps both routes.</summary>
    public static IEndpointRouteBuilder MapCallControl(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Pattern, (HttpContext context, string callId, string action, MediaTokenService tokens, MediaTokenReplayGuard replays,
            LiveCallCommands commands, ILoggerFactory loggers) =>
            HandleAsync(context, callId, action, MediaTokenPurpose.CallControl, tokens, replays, commands, loggers)).ExcludeFromDescription().RequireInternalPort();
        endpoints.MapPost(BrowserPattern, (HttpContext context, string callId, string action, MediaTokenService tokens, MediaTokenReplayGuard replays,
            LiveCallCommands commands, ILoggerFactory loggers) =>
            action is "stop" or "interrupt" or "audio"
                ? HandleAsync(context, callId, action, MediaTokenPurpose.BrowserControl, tokens, replays, commands, loggers)
                : Task.FromResult(Results.NotFound())).ExcludeFromDescription().RequireInternalPort();
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, string callId, string action, MediaTokenPurpose purpose, MediaTokenService tokens,
        MediaTokenReplayGuard replays, LiveCallCommands commands, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(CallControlEndpoint).FullName!);
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        var token = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length ? header[Scheme.Length..].Trim() : null;
        if (token is null)
        {
            LogRefused(logger, "no bearer token");
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var validation = CallIdFormat.IsValid(callId) ? tokens.Validate(token, purpose, callId) : default;
        if (!validation.IsValid)
        {
            LogRefused(logger, CallIdFormat.IsValid(callId) ? "token " + validation.Status : "malformed call id");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!replays.TryConsume(validation))
        {
            LogRefused(logger, "token already used");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (LiveCallCommands.Parse(action) is not { } command)
        {
            return Results.NotFound();
        }

        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        CallCommandBody body;
        try
        {
            body = context.Request.ContentLength == 0
                ? new CallCommandBody()
                : await JsonSerializer.DeserializeAsync<CallCommandBody>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false)
                  ?? new CallCommandBody();
        }
        catch (JsonException)
        {
            return Results.BadRequest(new { error = "invalid_request", message = "The body must be a JSON object." });
        }

        var (status, message) = await commands.ApplyAsync(callId, command, body, context.RequestAborted).ConfigureAwait(false);
        LogCommand(logger, callId, action, status);
        return status switch
        {
            CallCommandStatus.Done => Results.Json(new CommandReply(callId, callId)),
            CallCommandStatus.NotLive => Results.NotFound(),
            CallCommandStatus.Invalid => Results.BadRequest(new { error = "invalid_request", message }),
            CallCommandStatus.NotSupported => Results.Conflict(new { error = "not_supported", message }),
            _ => Results.Json(new { error = "speech_unavailable", message }, statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }

    /// <summary>The reply: the call id (and, for the browser route's callers, the same value as <c>sessionId</c>).</summary>
    internal sealed record CommandReply(string CallId, string SessionId);

    [LoggerMessage(EventId = 8400, Level = LogLevel.Warning, Message = "Internal call command refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 8401, Level = LogLevel.Information, Message = "Call {CallId}: {Action} from the Functions app ({Status})")]
    private static partial void LogCommand(ILogger logger, string callId, string action, CallCommandStatus status);
}
