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
    /// The raw id of an identifier as received, with or without <c>kind</c>: <c>rawId</c>, else derived from whichever of
    /// <c>phoneNumber</c>, <c>communicationUser</c>, <c>microsoftTeamsUser</c>, <c>microsoftTeamsApp</c> or
    /// <c>teamsExtensionUser</c> it carries (common.json 2025-06-30: rawId is optional in requests), or null when it names
    /// nobody.
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

        return ReadTeamsRawId(identifier);
    }

    // The raw-id prefixes are those the Communication SDKs (js, .NET, Java, Python) use to build and parse raw ids; a
    // missing cloud is "public" and a missing isAnonymous is false (common.json).
    private static string? ReadTeamsRawId(JsonElement identifier)
    {
        if (identifier.TryGetProperty("microsoftTeamsUser", out var teamsUser) && teamsUser.ValueKind == JsonValueKind.Object
            && GetString(teamsUser, "userId") is { Length: > 0 } userId)
        {
            if (teamsUser.TryGetProperty("isAnonymous", out var anonymous) && anonymous.ValueKind == JsonValueKind.True)
            {
                return "8:teamsvisitor:" + userId;
            }

            return Cloud(teamsUser) switch
            {
                "dod" => "8:dod:",
                "gcch" => "8:gcch:",
                _ => "8:orgid:",
            } + userId;
        }

        if (identifier.TryGetProperty("microsoftTeamsApp", out var teamsApp) && teamsApp.ValueKind == JsonValueKind.Object
            && GetString(teamsApp, "appId") is { Length: > 0 } appId)
        {
            return Cloud(teamsApp) switch
            {
                "dod" => "28:dod:",
                "gcch" => "28:gcch:",
                _ => "28:orgid:",
            } + appId;
        }

        if (identifier.TryGetProperty("teamsExtensionUser", out var extension) && extension.ValueKind == JsonValueKind.Object
            && GetString(extension, "userId") is { Length: > 0 } extensionUserId
            && GetString(extension, "tenantId") is { Length: > 0 } tenantId
            && GetString(extension, "resourceId") is { Length: > 0 } resourceId)
        {
            var prefix = Cloud(extension) switch
            {
                "dod" => "8:dod-acs:",
                "gcch" => "8:gcch-acs:",
                _ => "8:acs:",
            };
            return $"{prefix}{resourceId}_{tenantId}_{extensionUserId}";
        }

        return null;
    }

    private static string? Cloud(JsonElement model) => GetString(model, "cloud");

    private static string? GetString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

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
