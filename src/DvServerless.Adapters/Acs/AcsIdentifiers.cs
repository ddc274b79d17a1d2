using System.Text.Json;

namespace DvServerless.Adapters.Acs;

/// <summary>Writing and reading <c>CommunicationIdentifierModel</c> (PROTOCOL.md §1.4), and masking ids for logs.</summary>
internal static class AcsIdentifiers
{
    /// <summary>Writes <c>{"kind","rawId",&lt;kind&gt;:{…}}</c> for a raw id (<c>4:+1…</c>, <c>8:…</c>) or a bare E.164 number.</summary>
    public static void Write(Utf8JsonWriter writer, string rawIdOrNumber)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rawIdOrNumber);
        writer.WriteStartObject();
        if (rawIdOrNumber.StartsWith('+') || rawIdOrNumber.StartsWith("4:", StringComparison.Ordinal))
        {
            var number = rawIdOrNumber.StartsWith('+') ? rawIdOrNumber : rawIdOrNumber[2..];
            writer.WriteString("kind", "phoneNumber");
            writer.WriteString("rawId", "4:" + number);
            writer.WriteStartObject("phoneNumber");
            writer.WriteString("value", number);
            writer.WriteEndObject();
        }
        else if (rawIdOrNumber.StartsWith("8:", StringComparison.Ordinal))
        {
            // An ACS user's id is the whole raw id (8:acs:…), as js createIdentifierFromRawId builds it.
            writer.WriteString("kind", "communicationUser");
            writer.WriteString("rawId", rawIdOrNumber);
            writer.WriteStartObject("communicationUser");
            writer.WriteString("id", rawIdOrNumber);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString("kind", "unknown");
            writer.WriteString("rawId", rawIdOrNumber);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// The raw id of an identifier as received, with or without <c>kind</c>: <c>rawId</c>, else derived from
    /// <c>phoneNumber.value</c> or <c>communicationUser.id</c>.
    /// </summary>
    public static string? ReadRawId(JsonElement identifier)
    {
        if (identifier.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (identifier.TryGetProperty("rawId", out var raw) && raw.ValueKind == JsonValueKind.String)
        {
            return raw.GetString();
        }

        if (identifier.TryGetProperty("phoneNumber", out var phone) && phone.ValueKind == JsonValueKind.Object
            && phone.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
        {
            return "4:" + value.GetString();
        }

        if (identifier.TryGetProperty("communicationUser", out var user) && user.ValueKind == JsonValueKind.Object
            && user.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            return id.GetString();
        }

        return null;
    }

    /// <summary>Masks an id for logs: phone numbers keep their last 4 digits, other ids their kind prefix only.</summary>
    public static string Mask(string? rawIdOrNumber)
    {
        if (string.IsNullOrEmpty(rawIdOrNumber))
        {
            return "(none)";
        }

        var number = rawIdOrNumber.StartsWith("4:", StringComparison.Ordinal) ? rawIdOrNumber[2..] : rawIdOrNumber;
        if (number.StartsWith('+'))
        {
            return number.Length <= 4 ? "***" : "***" + number[^4..];
        }

        var colon = rawIdOrNumber.IndexOf(':');
        return colon > 0 ? rawIdOrNumber[..(colon + 1)] + "***" : "***";
    }
}
