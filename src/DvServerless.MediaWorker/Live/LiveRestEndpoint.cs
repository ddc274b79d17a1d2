using System.Text.Json;
using DvServerless.Adapters.Live;
using DvServerless.Core.Live;
using DvServerless.MediaWorker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// A local stand-in for the one Azure SignalR REST call the Functions app makes, on the worker's internal port:
/// <c>POST /api/hubs/{hub}/groups/{group}/:send?api-version=…</c>, authenticated as the service does it (an HS256 JWT
/// signed with the access key from <c>Live:RestAccessKey</c>, unexpired, whose <c>aud</c> is this request's URL). The
/// body <c>{target, arguments}</c> goes to the group through the in-process <see cref="LiveHub"/>, and an event sent to
/// the admin group (every event is sent there exactly once) is also recorded on <see cref="LiveCallBoard"/>. Answers 202
/// like the service; 401 for a bad token, 400 for a bad body, 404 for another hub.
/// </summary>
public static partial class LiveRestEndpoint
{
    /// <summary>The route, as the service has it.</summary>
    public const string Route = "/api/hubs/{hub}/groups/{group}/:send";

    /// <summary>The service's body limit.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    // Token expiry is checked with a little slack for clocks of two processes; locally they are one clock.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers what the stand-in needs: the access key (when configured), the SignalR server (in-process hub) and the
    /// call board. The live hub's own registration may have added the last two already.
    /// </summary>
    public static IServiceCollection AddLiveRestEndpoint(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (LiveRestAccessKey.Read(configuration) is not { } key)
        {
            return services;
        }

        services.AddSingleton(key);
        services.AddSignalR();
        services.TryAddSingleton<LiveCallBoard>();
        return services;
    }

    /// <summary>Maps the stand-in on the internal port when <c>Live:RestAccessKey</c> is set.</summary>
    public static IEndpointRouteBuilder MapLiveRestEndpoint(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<AzureSignalRAccessKey>() is null)
        {
            return endpoints;
        }

        endpoints.MapPost(Route, HandleAsync).RequireInternalPort().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, string hub, string group, AzureSignalRAccessKey key, IHubContext<LiveHub> hubContext,
        LiveCallBoard board, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(LiveRestEndpoint).FullName!);
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        // The SDK signs the URL with its query; the docs say without. Both name this request.
        var url = request.GetEncodedUrl();
        var withoutQuery = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path);
        var status = await key.ValidateAsync(token, [url, withoutQuery], time.GetUtcNow(), ClockSkew).ConfigureAwait(false);
        if (status != AzureSignalRTokenStatus.Valid)
        {
            LogRejected(logger, status);
            return Error(StatusCodes.Status401Unauthorized, "unauthorized", "The bearer token is missing, not signed with the access key, expired, or for another URL.");
        }

        if (!string.Equals(hub, LiveHub.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status404NotFound, "not_found", $"This worker serves the hub '{LiveHub.Name}' only.");
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The api-version query parameter is required.");
        }

        var message = await ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (message.Problem is { } problem)
        {
            LogBadBody(logger, problem);
            return Error(problem.StartsWith("The body is over", StringComparison.Ordinal) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                "invalid_body", problem);
        }

        await hubContext.Clients.Group(group).SendCoreAsync(message.Target!, message.Arguments!, context.RequestAborted).ConfigureAwait(false);
        if (message.Event is { } liveEvent && group == LiveGroups.Admin)
        {
            board.Record(liveEvent);
        }

        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<SendMessage> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return SendMessage.Refused($"The body is over {MaxBodyBytes} bytes.");
        }

        JsonDocument document;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (buffer.Length > MaxBodyBytes)
            {
                return SendMessage.Refused($"The body is over {MaxBodyBytes} bytes.");
            }

            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException)
        {
            return SendMessage.Refused("The body is not JSON; expected {\"target\": \"…\", \"arguments\": […]}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("target", out var target) || target.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(target.GetString())
                || !root.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.Array)
            {
                return SendMessage.Refused("Expected {\"target\": \"<client method>\", \"arguments\": […]}.");
            }

            // Cloned: the elements outlive the document, into the hub's send.
            var values = arguments.EnumerateArray().Select(a => (object?)a.Clone()).ToArray();
            LiveEvent? liveEvent = null;
            var name = target.GetString()!;
            if (LiveEventTypes.All.Contains(name))
            {
                // A live event's one argument must be the event, as dashboards and the board read it.
                try
                {
                    liveEvent = values.Length == 1 ? ((JsonElement)values[0]!).Deserialize<LiveEvent>(LiveEventJson.Options) : null;
                }
                catch (JsonException)
                {
                    liveEvent = null;
                }

                if (liveEvent is null || liveEvent.Type != name || string.IsNullOrEmpty(liveEvent.CallId))
                {
                    return SendMessage.Refused($"A {name} message has one argument, the event, with the same type and a callId.");
                }
            }

            return new SendMessage(name, values, liveEvent, null);
        }
    }

    private static IResult Error(int status, string error, string message) => Results.Json(new RestError(error, message), statusCode: status);

    [LoggerMessage(EventId = 6210, Level = LogLevel.Information, Message = "Live REST send refused: token {Status}.")]
    private static partial void LogRejected(ILogger logger, AzureSignalRTokenStatus status);

    [LoggerMessage(EventId = 6211, Level = LogLevel.Information, Message = "Live REST send refused: {Problem}")]
    private static partial void LogBadBody(ILogger logger, string problem);

    private sealed record SendMessage(string? Target, object?[]? Arguments, LiveEvent? Event, string? Problem)
    {
        public static SendMessage Refused(string problem) => new(null, null, null, problem);
    }

    private sealed record RestError(string Error, string Message);
}
