using System.Text.Json;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Security;
using DvServerless.MediaWorker.Calls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Endpoints;

/// <summary>
/// <c>POST /internal/browser/{sessionId}/{stop|interrupt|audio}</c>, called by the Functions app for
/// <c>/api/v1/voice/stop|interrupt|audio</c>: <c>Authorization: Bearer</c> a BrowserControl token bound to the session
/// (401 without one, 403 for a bad one); body <c>{"enabled":bool}</c> for audio (400 without it). 200
/// <c>{"sessionId":…}</c> when done, 404 when this worker holds no live leg for the session.
/// </summary>
public static partial class BrowserControlEndpoint
{
    /// <summary>The route pattern.</summary>
    public const string Pattern = "/internal/browser/{sessionId}/{action}";

    private const int MaxBodyBytes = 1024;

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointConventionBuilder MapBrowserControl(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Pattern, HandleAsync).ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext context, string sessionId, string action, MediaTokenService tokens,
        BrowserSessions live, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(BrowserControlEndpoint).FullName!);
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        var token = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length ? header[Scheme.Length..].Trim() : null;
        if (token is null)
        {
            LogRefused(logger, "no bearer token");
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (!CallIdFormat.IsValid(sessionId) || !tokens.Validate(token, MediaTokenPurpose.BrowserControl, sessionId).IsValid)
        {
            LogRefused(logger, "bad token");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (action is not ("stop" or "interrupt" or "audio"))
        {
            return Results.NotFound();
        }

        bool? enabled = null;
        if (action == "audio")
        {
            if (context.Request.ContentLength is > MaxBodyBytes)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }

            try
            {
                var body = await JsonSerializer.DeserializeAsync<AudioRequest>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false);
                enabled = body?.Enabled;
            }
            catch (JsonException)
            {
            }

            if (enabled is null)
            {
                return Results.BadRequest(new { error = "invalid_request", message = "The body must be {\"enabled\": true|false}." });
            }
        }

        var session = live.FindLive(sessionId);
        var done = session is not null && action switch
        {
            "stop" => session.End("stopped"),
            "interrupt" => session.Interrupt(),
            _ => session.SetAudioEnabled(enabled!.Value),
        };
        LogControl(logger, sessionId, action, done);
        return done ? Results.Json(new ControlReply(sessionId)) : Results.NotFound();
    }

    internal sealed record AudioRequest(bool? Enabled);

    internal sealed record ControlReply(string SessionId);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Internal browser control request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Information, Message = "Browser session {SessionId}: {Action} from the Functions app (live {Live})")]
    private static partial void LogControl(ILogger logger, string sessionId, string action, bool live);
}
