using System.Text.Json;
using System.Text.Json.Nodes;
using DvServerless.Adapters.OpenAI.Webhooks;

namespace DvServerless.Functions.Sip;

/// <summary>
/// The keys a SIP call leaves in <see cref="DvServerless.Core.Calls.CallSession.Metadata"/>. The SIP headers are caller
/// data: kept verbatim (ordered, repeats included) as untrusted metadata, never used to authorize anything.
/// </summary>
public static class SipSessionMetadata
{
    /// <summary>OpenAI's <c>rtc_…</c> call id (accept / reject / refer / hangup and the sideband's <c>?call_id=</c>).</summary>
    public const string OpenAICallId = "openai.call_id";

    /// <summary>The <c>webhook-id</c> of the delivery that created the session.</summary>
    public const string WebhookId = "openai.webhook_id";

    /// <summary>The event's <c>id</c>.</summary>
    public const string EventId = "openai.event_id";

    /// <summary>Every INVITE header in order as a JSON array of <c>{"name","value"}</c>.</summary>
    public const string Headers = "sip.headers";

    /// <summary>The SIP <c>Call-ID</c> header.</summary>
    public const string SipCallIdHeader = "sip.call_id";

    /// <summary>The <c>webhook-id</c> of a redelivery that took over a call left undecided by a dead instance.</summary>
    public const string TakenOverBy = "openai.taken_over_by";

    /// <summary>How the call was decided (accepted, or the reject rule and status).</summary>
    public const string Decision = "sip.decision";

    /// <summary>
    /// The tenant whose own OpenAI project's webhook secret verified the delivery (absent for the gateway's secret): the
    /// project the call lives in, whose key must control it and attach its sideband.
    /// </summary>
    public const string OpenAIProjectTenant = Adapters.OpenAI.Calls.TenantRealtimeProjects.SessionMetadataKey;

    /// <summary>Builds the metadata of a new SIP session.</summary>
    public static Dictionary<string, string> From(SipIncomingCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var headers = new JsonArray();
        foreach (var header in call.SipHeaders)
        {
            headers.Add(new JsonObject { ["name"] = header.Name, ["value"] = header.Value });
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OpenAICallId] = call.CallId,
            [WebhookId] = call.WebhookId,
            [EventId] = call.EventId,
            [Headers] = headers.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
        };
        if (call.SipHeaders.GetFirst("Call-ID") is { } sipCallId)
        {
            metadata[SipCallIdHeader] = sipCallId;
        }

        return metadata;
    }
}
