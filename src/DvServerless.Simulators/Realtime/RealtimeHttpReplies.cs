using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// What the simulator's HTTP endpoints share: the API key check (Bearer, <c>api-key</c> or the browser subprotocol),
/// reading a JSON request body, and the service's error bodies (<c>{"error":{message,type,param,code}}</c>).
/// </summary>
internal static class RealtimeHttpReplies
{
    // Request bodies of the REST endpoints are small JSON objects; anything past this is refused with 413.
    private const int MaxBodyChars = 1024 * 1024;

    /// <summary>Checks the key; answers 401 and returns false when it is missing or wrong.</summary>
    public static async Task<bool> AuthenticateAsync(
        HttpContext context, RealtimeSimulatorOptions options, ILogger logger, IList<string> offeredProtocols)
    {
        var key = ApiKeyOf(context.Request, offeredProtocols);
        if (key is null)
        {
            await RefuseAsync(context, logger, StatusCodes.Status401Unauthorized, null,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).").ConfigureAwait(false);
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(options.ApiKey)))
        {
            // Never echo the key: it may be a real secret sent to the wrong place.
            await RefuseAsync(context, logger, StatusCodes.Status401Unauthorized, "invalid_api_key", "Incorrect API key provided.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the request body as JSON (null when empty); answers 413 (too large) or 400 <c>invalid_json</c> and returns
    /// false when it cannot be read.
    /// </summary>
    public static async Task<(bool Read, JsonNode? Body)> ReadJsonBodyAsync(HttpContext context, ILogger logger)
    {
        string text;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        if (text.Length > MaxBodyChars)
        {
            await RefuseAsync(context, logger, StatusCodes.Status413PayloadTooLarge, null, "The request body is too large.").ConfigureAwait(false);
            return (false, null);
        }

        try
        {
            return (true, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
        }
        catch (JsonException)
        {
            await BadRequestAsync(context, logger, new RealtimeProtocolError("invalid_json", "The request body is not valid JSON.")).ConfigureAwait(false);
            return (false, null);
        }
    }

    /// <summary>Answers <paramref name="statusCode"/> with the service's error body.</summary>
    public static async Task RefuseAsync(HttpContext context, ILogger logger, int statusCode, string? code, string message)
    {
        RealtimeSimulatorLog.ConnectionRefused(logger, statusCode, message);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = code },
        };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Answers 400 for <paramref name="error"/>, with its <c>param</c>.</summary>
    public static async Task BadRequestAsync(HttpContext context, ILogger logger, RealtimeProtocolError error)
    {
        RealtimeSimulatorLog.ConnectionRefused(logger, StatusCodes.Status400BadRequest, error.Message);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = error.Message, ["type"] = "invalid_request_error", ["param"] = error.Param, ["code"] = error.Code,
            },
        };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static string? ApiKeyOf(HttpRequest request, IList<string> offeredProtocols)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var apiKey = request.Headers["api-key"].ToString();
        if (apiKey.Length > 0)
        {
            return apiKey;
        }

        // Browsers cannot set headers: the key rides in a subprotocol (PROTOCOL §1.1).
        const string Prefix = "openai-insecure-api-key.";
        return offeredProtocols.FirstOrDefault(p => p.StartsWith(Prefix, StringComparison.Ordinal))?[Prefix.Length..];
    }
}
