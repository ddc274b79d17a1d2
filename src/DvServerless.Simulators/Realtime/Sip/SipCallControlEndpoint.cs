using System.Text.Json.Nodes;
using DvServerless.Simulators.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>
/// <c>POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup</c> (and <c>/openai/v1/…</c>, PROTOCOL §2): checks the
/// body of each operation as the service does and applies it to the <see cref="SipCall"/>; 404 for an unknown call or
/// operation, 409-style refusals when the call was decided already. An operation the simulator's <see cref="RestFaultPlan"/>
/// faults is answered with its 429/5xx before the call is looked at.
/// </summary>
internal static class SipCallControlEndpoint
{
    public static async Task HandleAsync(
        HttpContext context, RealtimeSimulatorOptions options, SipCallRegistry sipCalls, RestFaultPlan faults, ILogger logger)
    {
        if (!await RealtimeHttpReplies.AuthenticateAsync(context, options, logger, []).ConfigureAwait(false))
        {
            return;
        }

        var callId = (string?)context.GetRouteValue("call_id") ?? string.Empty;
        var operation = (string?)context.GetRouteValue("operation") ?? string.Empty;
        if (operation is not ("accept" or "reject" or "refer" or "hangup"))
        {
            await RealtimeHttpReplies.RefuseAsync(context, logger, StatusCodes.Status404NotFound, "not_found", "Not found.").ConfigureAwait(false);
            return;
        }

        if (await RealtimeFaultReplies.TryAnswerAsync(context, faults, operation, logger).ConfigureAwait(false))
        {
            return;
        }

        var (read, body) = await RealtimeHttpReplies.ReadJsonBodyAsync(context, logger).ConfigureAwait(false);
        if (!read)
        {
            return;
        }

        var call = sipCalls.Find(callId);
        if (call is null)
        {
            await RealtimeHttpReplies.RefuseAsync(context, logger, StatusCodes.Status404NotFound, "call_not_found", "Call not found.").ConfigureAwait(false);
            return;
        }

        int? refused;
        switch (operation)
        {
            case "accept":
                var acceptError = SipAcceptValidator.Validate(body, options);
                if (acceptError is not null)
                {
                    await RealtimeHttpReplies.BadRequestAsync(context, logger, acceptError).ConfigureAwait(false);
                    return;
                }

                refused = call.Accept((JsonObject)body!);
                break;
            case "reject":
                var status = 603;
                if (body is not null)
                {
                    var rejectError = body is not JsonObject reject ? new RealtimeProtocolError("invalid_type", "The request body must be a JSON object.")
                        : reject.Any(p => p.Key != "status_code") ? RealtimeProtocolError.Unknown(reject.First(p => p.Key != "status_code").Key)
                        : reject["status_code"] is null ? null
                        : !RealtimeJson.TryInteger(reject["status_code"], out var code) ? RealtimeProtocolError.InvalidType("status_code", "an integer")
                        : code is < 400 or > 699 ? RealtimeProtocolError.InvalidValue("status_code", "Invalid 'status_code': expected a SIP final status between 400 and 699.")
                        : null;
                    if (rejectError is not null)
                    {
                        await RealtimeHttpReplies.BadRequestAsync(context, logger, rejectError).ConfigureAwait(false);
                        return;
                    }

                    if (RealtimeJson.TryInteger(body["status_code"], out var given))
                    {
                        status = (int)given;
                    }
                }

                refused = call.Reject(status);
                break;
            case "refer":
                var target = body is JsonObject refer && RealtimeJson.IsString(refer["target_uri"]) ? (string)refer["target_uri"]! : null;
                var referError = body is not JsonObject referObject ? RealtimeProtocolError.Missing("target_uri")
                    : referObject.Any(p => p.Key != "target_uri") ? RealtimeProtocolError.Unknown(referObject.First(p => p.Key != "target_uri").Key)
                    : referObject["target_uri"] is null ? RealtimeProtocolError.Missing("target_uri")
                    : target is null ? RealtimeProtocolError.InvalidType("target_uri", "a string")
                    : !(target.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) || target.StartsWith("sip:", StringComparison.OrdinalIgnoreCase)
                        || target.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
                        ? RealtimeProtocolError.InvalidValue("target_uri", "Invalid 'target_uri': expected a tel: or sip: URI.")
                    : null;
                if (referError is not null)
                {
                    await RealtimeHttpReplies.BadRequestAsync(context, logger, referError).ConfigureAwait(false);
                    return;
                }

                refused = call.Refer(target!);
                break;
            default:
                refused = call.HangUp();
                break;
        }

        if (refused is 404)
        {
            await RealtimeHttpReplies.RefuseAsync(context, logger, StatusCodes.Status404NotFound, "call_not_found", "Call not found.").ConfigureAwait(false);
            return;
        }

        if (refused is { } conflict)
        {
            await RealtimeHttpReplies.RefuseAsync(context, logger, conflict, "call_already_accepted", "The call has already been accepted.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
