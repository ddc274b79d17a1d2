using System.Text.Json.Nodes;
using DvServerless.Simulators.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// <c>POST /v1/realtime/client_secrets</c> (PROTOCOL §4, spec <c>RealtimeCreateClientSecretRequest</c>): checks the body
/// as the service does — only <c>expires_after</c> (<c>anchor</c> <c>created_at</c>, <c>seconds</c> 10–7200, default 600)
/// and <c>session</c> (a GA realtime or transcription session, checked by the same rules as <c>session.update</c>) — and
/// answers <c>{value:"ek_…", expires_at, session}</c> with the effective session. Faulted (operation
/// <c>client_secrets</c> of the <see cref="RestFaultPlan"/>) before the body is looked at.
/// </summary>
internal static class RealtimeClientSecretsEndpoint
{
    private const int DefaultClientSecretSeconds = 600;

    public static async Task HandleAsync(HttpContext context, RealtimeSimulatorOptions options, RealtimeSimulatorRecords records, RestFaultPlan faults, ILogger logger)
    {
        if (!await RealtimeHttpReplies.AuthenticateAsync(context, options, logger, []).ConfigureAwait(false))
        {
            return;
        }

        if (await RealtimeFaultReplies.TryAnswerAsync(context, faults, "client_secrets", logger).ConfigureAwait(false))
        {
            return;
        }

        var (read, body) = await RealtimeHttpReplies.ReadJsonBodyAsync(context, logger).ConfigureAwait(false);
        if (!read)
        {
            return;
        }

        var (seconds, session, error) = ValidateRequest(body, options);
        if (error is not null)
        {
            await RealtimeHttpReplies.BadRequestAsync(context, logger, error).ConfigureAwait(false);
            return;
        }

        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var value = "ek_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var effective = WithoutNulls((JsonObject)session!.Session.DeepClone());
        effective["expires_at"] = 0;
        var answer = new JsonObject
        {
            ["value"] = value,
            ["expires_at"] = now + seconds,
            ["session"] = effective.DeepClone(),
        };
        records.AddClientSecret(new RealtimeClientSecretRecord(value, now + seconds, (JsonObject)effective.DeepClone()));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    // The spec's example shows "off" settings as null, but its schema (RealtimeSessionCreateResponseGA) types them as
    // objects and arrays and requires none of them: leaving them out is what satisfies both.
    private static JsonObject WithoutNulls(JsonObject node)
    {
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            node.Remove(key);
        }

        foreach (var (_, child) in node)
        {
            if (child is JsonObject inner)
            {
                WithoutNulls(inner);
            }
        }

        return node;
    }

    private static (long Seconds, RealtimeSessionConfiguration? Session, RealtimeProtocolError? Error) ValidateRequest(
        JsonNode? body, RealtimeSimulatorOptions options)
    {
        if (body is not JsonObject request)
        {
            return (0, null, new RealtimeProtocolError("invalid_type", "The request body must be a JSON object."));
        }

        if (request.FirstOrDefault(p => p.Key is not ("expires_after" or "session")) is { Key: { } unknown })
        {
            return (0, null, RealtimeProtocolError.Unknown(unknown));
        }

        long seconds = DefaultClientSecretSeconds;
        if (request["expires_after"] is { } expiresNode)
        {
            if (expiresNode is not JsonObject expires)
            {
                return (0, null, RealtimeProtocolError.InvalidType("expires_after", "an object"));
            }

            if (expires.FirstOrDefault(p => p.Key is not ("anchor" or "seconds")) is { Key: { } unknownExpiry })
            {
                return (0, null, RealtimeProtocolError.Unknown("expires_after." + unknownExpiry));
            }

            if (expires["anchor"] is { } anchor && (!RealtimeJson.IsString(anchor) || (string?)anchor != "created_at"))
            {
                return (0, null, RealtimeProtocolError.InvalidValue("expires_after.anchor", "Invalid value for 'expires_after.anchor'. Supported values are: 'created_at'."));
            }

            if (expires["seconds"] is { } secondsNode)
            {
                if (!RealtimeJson.TryInteger(secondsNode, out seconds))
                {
                    return (0, null, RealtimeProtocolError.InvalidType("expires_after.seconds", "an integer"));
                }

                if (seconds is < 10 or > 7200)
                {
                    return (0, null, RealtimeProtocolError.InvalidValue("expires_after.seconds",
                        "Invalid 'expires_after.seconds': integer must be between 10 and 7200."));
                }
            }
        }

        var requested = request["session"] as JsonObject;
        if (request["session"] is not null && requested is null)
        {
            return (0, null, RealtimeProtocolError.InvalidType("session", "an object"));
        }

        var type = requested?["type"] is { } typeNode && RealtimeJson.IsString(typeNode) ? (string?)typeNode : null;
        if (requested is not null && type is not ("realtime" or "transcription"))
        {
            return (0, null, requested["type"] is null ? RealtimeProtocolError.Missing("session.type")
                : RealtimeProtocolError.InvalidValue("session.type", "Invalid value for 'session.type'. Supported values are: 'realtime' and 'transcription'."));
        }

        if (requested?["model"] is { } model && !RealtimeJson.IsString(model))
        {
            return (0, null, RealtimeProtocolError.InvalidType("session.model", "a string"));
        }

        var transcription = type == "transcription";
        var session = RealtimeSessionConfiguration.CreateDefault(
            options, RealtimeIds.New("sess"), (string?)requested?["model"] ?? options.DefaultModel, 0, transcription);
        if (requested is not null)
        {
            var patch = (JsonObject)requested.DeepClone();
            patch.Remove("model");
            if (session.TryApply(patch) is { } invalid)
            {
                return (0, null, invalid);
            }
        }

        return (seconds, session, null);
    }
}
