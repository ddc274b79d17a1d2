using System.Text.Json;

namespace DvServerless.Adapters.Acs.Events;

/// <summary>
/// Parses the body ACS POSTs to a call's callback URI (PROTOCOL.md §3): a JSON array of CloudEvents 1.0 (a single
/// object is accepted too). Keys on <c>type</c> and <c>data</c>, never on <c>source</c>; unknown fields are ignored.
/// </summary>
public static class CallAutomationEventParser
{
    /// <summary>The prefix of every Call Automation event type.</summary>
    public const string TypePrefix = "Microsoft.Communication.";

    /// <summary>Parses the callback body. Throws <see cref="FormatException"/> when it is not a CloudEvent array or object.</summary>
    public static IReadOnlyList<CallAutomationEvent> Parse(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToMemory());
        }
        catch (JsonException exception)
        {
            throw new FormatException($"The callback body is not valid JSON (line {exception.LineNumber + 1}).", exception);
        }

        using (document)
        {
            try
            {
                return ParseRoot(document.RootElement);
            }
            catch (InvalidOperationException exception)
            {
                // System.Text.Json throws this for a name or string it cannot decode (a lone surrogate escape such as
                // "\uD800"), even from TryGetProperty: such a body is malformed, not a server fault.
                throw new FormatException("The callback body holds a name or string that is not valid Unicode.", exception);
            }
        }
    }

    private static List<CallAutomationEvent> ParseRoot(JsonElement root)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                var events = new List<CallAutomationEvent>(root.GetArrayLength());
                var index = 0;
                foreach (var element in root.EnumerateArray())
                {
                    events.Add(ParseEvent(element, index++));
                }

                return events;
            case JsonValueKind.Object:
                return [ParseEvent(root, 0)];
            default:
                throw new FormatException("The callback body is neither a CloudEvent array nor a CloudEvent object.");
        }
    }

    private static CallAutomationEvent ParseEvent(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Callback event {index} is not a JSON object.");
        }

        var type = GetString(element, "type");
        if (string.IsNullOrEmpty(type))
        {
            throw new FormatException($"Callback event {index} has no 'type'.");
        }

        if (type.StartsWith(TypePrefix, StringComparison.Ordinal))
        {
            type = type[TypePrefix.Length..];
        }

        var data = element.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d.Clone() : ReadDataBase64(element, index);
        int? code = null, subCode = null;
        string? message = null;
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("resultInformation", out var result) && result.ValueKind == JsonValueKind.Object)
        {
            code = GetInt(result, "code");
            subCode = GetInt(result, "subCode");
            message = GetString(result, "message");
        }

        return new CallAutomationEvent
        {
            Type = type,
            EventId = GetString(element, "id"),
            CallConnectionId = GetString(data, "callConnectionId"),
            ServerCallId = GetString(data, "serverCallId"),
            CorrelationId = GetString(data, "correlationId"),
            OperationContext = GetString(data, "operationContext"),
            ResultCode = code,
            ResultSubCode = subCode,
            ResultMessage = message,
            Data = data,
        };
    }

    // CloudEvents JSON format §3.1 lets a producer carry the payload as data_base64 instead of data; ACS is recorded
    // sending data, but a payload in the other valid form must not silently lose its callConnectionId.
    private static JsonElement ReadDataBase64(JsonElement element, int index)
    {
        if (!element.TryGetProperty("data_base64", out var encoded) || encoded.ValueKind != JsonValueKind.String)
        {
            return default;
        }

        byte[] bytes;
        try
        {
            bytes = encoded.GetBytesFromBase64();
        }
        catch (FormatException exception)
        {
            throw new FormatException($"Callback event {index} has a 'data_base64' that is not base64.", exception);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new FormatException($"Callback event {index} has a 'data_base64' that is not a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new FormatException($"Callback event {index} has a 'data_base64' that is not JSON.", exception);
        }
    }

    private static string? GetString(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? GetInt(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), out var parsed) => parsed,
            _ => null,
        };
    }
}
