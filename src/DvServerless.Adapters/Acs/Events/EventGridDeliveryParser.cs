using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;

namespace DvServerless.Adapters.Acs.Events;

/// <summary>
/// Parses one Event Grid POST to the IncomingCall endpoint (PROTOCOL.md §4): Event Grid schema arrays (including the
/// <c>SubscriptionValidation</c> handshake) and CloudEvents 1.0, single or batch.
/// </summary>
public static class EventGridDeliveryParser
{
    /// <summary>The IncomingCall event type.</summary>
    public const string IncomingCallEventType = SystemEventNames.AcsIncomingCall;

    /// <summary>The Event Grid subscription validation event type.</summary>
    public const string SubscriptionValidationEventType = SystemEventNames.EventGridSubscriptionValidation;

    /// <summary>
    /// Parses <paramref name="body"/>; <paramref name="aegEventType"/> is the <c>aeg-event-type</c> header, if any.
    /// Throws <see cref="FormatException"/> when the body is not an Event Grid or CloudEvents delivery.
    /// </summary>
    public static EventGridDelivery Parse(BinaryData body, string? aegEventType)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToMemory());
        }
        catch (JsonException exception)
        {
            throw new FormatException($"The Event Grid delivery is not valid JSON (line {exception.LineNumber + 1}).", exception);
        }

        using (document)
        {
            try
            {
                return ParseRoot(body, document.RootElement, aegEventType);
            }
            catch (InvalidOperationException exception)
            {
                // System.Text.Json throws this for a name or string it cannot decode (a lone surrogate escape such as
                // "\uD800"), even from TryGetProperty: such a delivery is malformed, not a server fault.
                throw new FormatException("The Event Grid delivery holds a name or string that is not valid Unicode.", exception);
            }
        }
    }

    private static EventGridDelivery ParseRoot(BinaryData body, JsonElement root, string? aegEventType)
    {
        var first = root.ValueKind switch
        {
            JsonValueKind.Array => root.GetArrayLength() == 0 ? (JsonElement?)null : root[0],
            JsonValueKind.Object => root,
            _ => throw new FormatException("The Event Grid delivery is neither a JSON array nor a JSON object."),
        };
        if (first is null)
        {
            return new EventGridDelivery();
        }

        if (first.Value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The Event Grid delivery's first event is not a JSON object.");
        }

        var isCloudEvents = first.Value.TryGetProperty("specversion", out _)
            || (!first.Value.TryGetProperty("eventType", out _) && first.Value.TryGetProperty("type", out _));
        var isValidationHeader = string.Equals(aegEventType, "SubscriptionValidation", StringComparison.OrdinalIgnoreCase);
        try
        {
            var delivery = isCloudEvents ? ParseCloudEvents(body, root) : ParseEventGridSchema(body, root);
            if (isValidationHeader && delivery.ValidationCode is null)
            {
                throw new FormatException("The delivery says aeg-event-type SubscriptionValidation but holds no validation event.");
            }

            return delivery;
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or InvalidOperationException or KeyNotFoundException or InvalidCastException)
        {
            throw new FormatException($"The Event Grid delivery is not a valid {(isCloudEvents ? "CloudEvents" : "Event Grid schema")} delivery: {exception.Message}", exception);
        }
    }

    private static EventGridDelivery ParseEventGridSchema(BinaryData body, JsonElement root)
    {
        var events = root.ValueKind == JsonValueKind.Array ? EventGridEvent.ParseMany(body) : [EventGridEvent.Parse(body)];
        var elements = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToArray() : [root];
        string? validationCode = null;
        var calls = new List<IncomingCallNotification>();
        var ignored = new List<string>();
        for (var i = 0; i < events.Length; i++)
        {
            var gridEvent = events[i];
            var rawData = elements[i].TryGetProperty("data", out var d) ? d : default;
            if (gridEvent.TryGetSystemEventData(out var systemData))
            {
                switch (systemData)
                {
                    case SubscriptionValidationEventData validation:
                        validationCode = validation.ValidationCode
                            ?? throw new FormatException("The subscription validation event has no validationCode.");
                        continue;
                    case AcsIncomingCallEventData incoming:
                        calls.Add(CreateNotification(gridEvent.Id, rawData, incoming));
                        continue;
                }
            }

            ignored.Add(gridEvent.EventType ?? "(none)");
        }

        return new EventGridDelivery { ValidationCode = validationCode, IncomingCalls = calls, IgnoredEventTypes = ignored };
    }

    private static EventGridDelivery ParseCloudEvents(BinaryData body, JsonElement root)
    {
        var events = root.ValueKind == JsonValueKind.Array ? CloudEvent.ParseMany(body) : [CloudEvent.Parse(body)!];
        string? validationCode = null;
        var calls = new List<IncomingCallNotification>();
        var ignored = new List<string>();
        foreach (var cloudEvent in events)
        {
            if (cloudEvent.Type == IncomingCallEventType)
            {
                using var data = ParseData(cloudEvent);
                calls.Add(CreateNotification(cloudEvent.Id, data.RootElement, null));
            }
            else if (cloudEvent.Type == SubscriptionValidationEventType)
            {
                using var data = ParseData(cloudEvent);
                validationCode = GetString(data.RootElement, "validationCode")
                    ?? throw new FormatException("The subscription validation event has no validationCode.");
            }
            else
            {
                ignored.Add(cloudEvent.Type ?? "(none)");
            }
        }

        return new EventGridDelivery { ValidationCode = validationCode, IncomingCalls = calls, IgnoredEventTypes = ignored };
    }

    private static JsonDocument ParseData(CloudEvent cloudEvent)
    {
        if (cloudEvent.Data is null)
        {
            throw new FormatException($"CloudEvent {cloudEvent.Id} of type {cloudEvent.Type} has no data.");
        }

        return JsonDocument.Parse(cloudEvent.Data.ToMemory());
    }

    private static IncomingCallNotification CreateNotification(string? eventId, JsonElement data, AcsIncomingCallEventData? typed)
    {
        if (string.IsNullOrEmpty(eventId))
        {
            throw new FormatException("An IncomingCall event has no id.");
        }

        var context = typed?.IncomingCallContext ?? GetString(data, "incomingCallContext");
        if (string.IsNullOrEmpty(context))
        {
            throw new FormatException($"IncomingCall event {eventId} has no incomingCallContext.");
        }

        // The SDK model lacks identifier kind and onBehalfOfCallee; reading rawId (or deriving it) from the JSON
        // accepts identifiers with or without rawId / kind.
        var from = typed?.FromCommunicationIdentifier?.RawId ?? ReadIdentifier(data, "from");
        var to = typed?.ToCommunicationIdentifier?.RawId ?? ReadIdentifier(data, "to");
        var (sip, voip) = typed?.CustomContext is { } custom
            ? (Copy(custom.SipHeaders), Copy(custom.VoipHeaders))
            : ReadCustomContext(data);
        return new IncomingCallNotification
        {
            EventId = eventId,
            IncomingCallContext = context,
            FromRawId = from,
            ToRawId = to,
            CallerDisplayName = typed?.CallerDisplayName ?? GetString(data, "callerDisplayName"),
            ServerCallId = typed?.ServerCallId ?? GetString(data, "serverCallId"),
            CorrelationId = typed?.CorrelationId ?? GetString(data, "correlationId"),
            SipHeaders = sip,
            VoipHeaders = voip,
        };
    }

    private static string? ReadIdentifier(JsonElement data, string name)
        => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var identifier) ? AcsIdentifiers.ReadRawId(identifier) : null;

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string>? headers)
        => headers is null ? new Dictionary<string, string>() : new Dictionary<string, string>(headers);

    private static (IReadOnlyDictionary<string, string> Sip, IReadOnlyDictionary<string, string> Voip) ReadCustomContext(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("customContext", out var custom) || custom.ValueKind != JsonValueKind.Object)
        {
            return (new Dictionary<string, string>(), new Dictionary<string, string>());
        }

        return (ReadHeaders(custom, "sipHeaders"), ReadHeaders(custom, "voipHeaders"));
    }

    private static Dictionary<string, string> ReadHeaders(JsonElement custom, string name)
    {
        var headers = new Dictionary<string, string>();
        if (custom.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in values.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    headers[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return headers;
    }

    private static string? GetString(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
