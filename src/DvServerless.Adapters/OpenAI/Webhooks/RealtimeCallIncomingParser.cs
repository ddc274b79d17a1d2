using System.Text.Json;

namespace DvServerless.Adapters.OpenAI.Webhooks;

/// <summary>
/// Parses OpenAI webhook bodies after <see cref="StandardWebhookVerifier"/> has accepted them (spec
/// <c>WebhookRealtimeCallIncoming</c>): <c>{"object":"event","id":"evt_…","type":"realtime.call.incoming",
/// "created_at":…,"data":{"call_id":"rtc_…","sip_headers":[{"name":…,"value":…}]}}</c>. Malformed input throws
/// <see cref="FormatException"/> whose message never echoes the body.
/// </summary>
public static class RealtimeCallIncomingParser
{
    /// <summary>The event type this gateway acts on.</summary>
    public const string CallIncomingType = "realtime.call.incoming";

    /// <summary>More headers than this is not an INVITE a trunk would forward.</summary>
    public const int MaxSipHeaders = 256;

    private const int MaxCallIdLength = 128;

    /// <summary>Parses one delivery's raw body; <paramref name="webhookId"/> is the verified <c>webhook-id</c>.</summary>
    /// <exception cref="FormatException">The body is not JSON, has no string <c>type</c>, or is a malformed call event.</exception>
    public static RealtimeWebhookEvent Parse(string webhookId, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(webhookId);
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            throw new FormatException("The webhook body is not valid JSON.");
        }

        using (document)
        {
            try
            {
                return ParseRoot(webhookId, document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json throws this for a name or string it cannot decode (a lone surrogate escape such as
                // "\uD800"), even from TryGetProperty: the body is malformed, not a server fault.
                throw new FormatException("The webhook body holds a name or string that is not valid Unicode.");
            }
        }
    }

    private static RealtimeWebhookEvent ParseRoot(string webhookId, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The webhook body is not a JSON object.");
        }

        var type = GetString(root, "type") ?? throw new FormatException("The webhook has no string 'type'.");
        var eventId = GetString(root, "id");
        if (type != CallIncomingType)
        {
            return new RealtimeWebhookEvent(type, eventId, null);
        }

        if (eventId is null)
        {
            throw new FormatException("The realtime.call.incoming event has no string 'id'.");
        }

        if (!root.TryGetProperty("created_at", out var created) || created.ValueKind != JsonValueKind.Number
            || !created.TryGetInt64(out var createdAt) || createdAt < 0
            || createdAt > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw new FormatException("The realtime.call.incoming event has no integer 'created_at'.");
        }

        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The realtime.call.incoming event has no 'data' object.");
        }

        var callId = GetString(data, "call_id");
        if (!IsCallId(callId))
        {
            throw new FormatException("The realtime.call.incoming event has a missing or malformed 'data.call_id'.");
        }

        return new RealtimeWebhookEvent(type, eventId, new SipIncomingCall(
            webhookId, eventId, type, callId!, DateTimeOffset.FromUnixTimeSeconds(createdAt), ParseHeaders(data)));
    }

    /// <summary>
    /// Whether <paramref name="callId"/> is safe to put in a URL path and query: 1–128 letters, digits, <c>_</c> or
    /// <c>-</c> (real ids look like <c>rtc_u1_&lt;32 hex&gt;</c>).
    /// </summary>
    public static bool IsCallId(string? callId) =>
        !string.IsNullOrEmpty(callId) && callId.Length <= MaxCallIdLength
        && callId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static SipHeaderCollection ParseHeaders(JsonElement data)
    {
        // Required by the spec; tolerated when absent or null because routing can fall back to defaults.
        if (!data.TryGetProperty("sip_headers", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return SipHeaderCollection.Empty;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The realtime.call.incoming 'data.sip_headers' is not an array.");
        }

        if (array.GetArrayLength() > MaxSipHeaders)
        {
            throw new FormatException($"The realtime.call.incoming event has more than {MaxSipHeaders} SIP headers.");
        }

        var headers = new List<SipHeader>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.Object ? GetString(item, "name") : null;
            var value = item.ValueKind == JsonValueKind.Object ? GetString(item, "value") : null;
            if (string.IsNullOrEmpty(name) || value is null)
            {
                throw new FormatException("A realtime.call.incoming SIP header is not a {name, value} pair of strings.");
            }

            headers.Add(new SipHeader(name, value));
        }

        return new SipHeaderCollection(headers);
    }

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
