using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DvServerless.Simulators.Acs;

/// <summary>Writes the JSON the simulator sends: callback CloudEvents (PROTOCOL §3.1), IncomingCall (§4.1), identifiers (§1.4).</summary>
internal static class AcsEventJson
{
    public const string ApiVersion = "2026-03-12";

    /// <summary>The callback <c>time</c> format of recorded events: <c>yyyy-MM-ddTHH:mm:ss.fffffff+00:00</c>.</summary>
    public static string CallbackTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>A callback body: a JSON array holding one CloudEvent.</summary>
    public static string CallbackArray(string eventName, CallIds ids, DateTimeOffset time, string? operationContext,
        (int Code, int SubCode, string Message)? result, Action<Utf8JsonWriter>? extraData = null)
    {
        var type = "Microsoft.Communication." + eventName;
        var source = "calling/callConnections/" + ids.CallConnectionId;
        return Write(writer =>
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("id", Guid.NewGuid().ToString());
            writer.WriteString("source", source);
            writer.WriteString("type", type);
            writer.WriteStartObject("data");
            writer.WriteString("version", ApiVersion);
            extraData?.Invoke(writer);
            writer.WriteString("callConnectionId", ids.CallConnectionId);
            writer.WriteString("serverCallId", ids.ServerCallId);
            writer.WriteString("correlationId", ids.CorrelationId);
            if (operationContext is not null)
            {
                writer.WriteString("operationContext", operationContext);
            }

            if (result is { } information)
            {
                writer.WriteStartObject("resultInformation");
                writer.WriteNumber("code", information.Code);
                writer.WriteNumber("subCode", information.SubCode);
                writer.WriteString("message", information.Message);
                writer.WriteEndObject();
            }

            writer.WriteString("publicEventType", type);
            writer.WriteEndObject();
            writer.WriteString("time", CallbackTime(time));
            writer.WriteString("specversion", "1.0");
            writer.WriteString("datacontenttype", "application/json");
            writer.WriteString("subject", source);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }

    /// <summary>The <c>mediaStreamingUpdate</c> object of MediaStreaming* events (contentType "Audio" as recorded).</summary>
    public static Action<Utf8JsonWriter> MediaStreamingUpdate(string status, string details) => writer =>
    {
        writer.WriteStartObject("mediaStreamingUpdate");
        writer.WriteString("contentType", "Audio");
        writer.WriteString("mediaStreamingStatus", status);
        writer.WriteString("mediaStreamingStatusDetails", details);
        writer.WriteEndObject();
    };

    /// <summary>A <c>CommunicationIdentifierModel</c> for a raw id, with <c>kind</c> (as in responses and events).</summary>
    public static void WriteIdentifier(Utf8JsonWriter writer, string rawId)
    {
        writer.WriteStartObject();
        if (rawId.StartsWith("4:", StringComparison.Ordinal))
        {
            writer.WriteString("kind", "phoneNumber");
            writer.WriteString("rawId", rawId);
            writer.WriteStartObject("phoneNumber");
            writer.WriteString("value", rawId[2..]);
            writer.WriteEndObject();
        }
        else if (rawId.StartsWith("8:", StringComparison.Ordinal))
        {
            writer.WriteString("kind", "communicationUser");
            writer.WriteString("rawId", rawId);
            writer.WriteStartObject("communicationUser");
            writer.WriteString("id", rawId);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString("kind", "unknown");
            writer.WriteString("rawId", rawId);
        }

        writer.WriteEndObject();
    }

    /// <summary>The IncomingCall delivery body in the chosen schema (PROTOCOL §4.1).</summary>
    public static string IncomingCall(IncomingCallEventSchema schema, string topic, SimulatedCallRequest request, string incomingCallContext,
        string serverCallId, string correlationId, DateTimeOffset time)
    {
        var subject = $"/caller/{request.From}/recipient/{request.To}";
        var eventTime = time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        return Write(writer =>
        {
            if (schema == IncomingCallEventSchema.EventGrid)
            {
                writer.WriteStartArray();
            }

            writer.WriteStartObject();
            writer.WriteString("id", Guid.NewGuid().ToString());
            if (schema == IncomingCallEventSchema.EventGrid)
            {
                writer.WriteString("topic", topic);
            }
            else
            {
                writer.WriteString("source", topic);
            }

            writer.WriteString("subject", subject);
            writer.WritePropertyName("data");
            writer.WriteStartObject();
            writer.WritePropertyName("to");
            WriteIdentifier(writer, request.To);
            writer.WritePropertyName("from");
            WriteIdentifier(writer, request.From);
            writer.WriteString("callerDisplayName", request.CallerDisplayName);
            writer.WriteString("serverCallId", serverCallId);
            writer.WriteStartObject("customContext");
            writer.WriteStartObject("sipHeaders");
            writer.WriteEndObject();
            writer.WriteStartObject("voipHeaders");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteString("incomingCallContext", incomingCallContext);
            writer.WriteString("correlationId", correlationId);
            writer.WriteEndObject();
            if (schema == IncomingCallEventSchema.EventGrid)
            {
                writer.WriteString("eventType", "Microsoft.Communication.IncomingCall");
                writer.WriteString("dataVersion", "1.0");
                writer.WriteString("metadataVersion", "1");
                writer.WriteString("eventTime", eventTime);
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteString("type", "Microsoft.Communication.IncomingCall");
                writer.WriteString("specversion", "1.0");
                writer.WriteString("time", eventTime);
                writer.WriteEndObject();
            }
        });
    }

    /// <summary>A <c>CommunicationErrorResponse</c>.</summary>
    public static string Error(string code, string message) =>
        Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>The ids every callback carries.</summary>
internal sealed record CallIds(string CallConnectionId, string ServerCallId, string CorrelationId);
