using System.Text.Json;
using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>Type checks of JSON values in client events and session objects, alike for values built in code and read from the wire.</summary>
internal static class RealtimeJson
{
    public static bool IsString(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String;

    public static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        // Parse the JSON text: a value built in code (int) and one read from the wire (JsonElement) then behave alike.
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    public static bool TryInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (!TryNumber(node, out var number) || number != Math.Floor(number) || Math.Abs(number) > long.MaxValue / 2)
        {
            return false;
        }

        value = (long)number;
        return true;
    }
}
