using System.Text.Json;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Validates a <c>CommunicationIdentifierModel</c> (a redirect, transfer or play target) and reads the raw id it names,
/// from <c>rawId</c>, <c>phoneNumber</c> or <c>communicationUser</c>.
/// </summary>
internal static class AcsIdentifierValidator
{
    private static readonly string[] IdentifierFields =
        ["kind", "rawId", "communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser"];

    private static readonly string[] IdentifierKinds =
        ["communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser", "unknown"];

    /// <summary>The raw id <paramref name="identifier"/> names, or null with <paramref name="error"/> saying why.</summary>
    public static string? RawId(JsonElement identifier, string name, out string? error)
    {
        error = null;
        if (identifier.ValueKind != JsonValueKind.Object)
        {
            error = $"'{name}' must be a CommunicationIdentifierModel object.";
            return null;
        }

        if (AcsRequestJson.Unknown(identifier, IdentifierFields) is { } unknown)
        {
            error = $"Unknown identifier property '{unknown}' in '{name}'.";
            return null;
        }

        var kind = AcsRequestJson.OptionalString(identifier, "kind", out error);
        if (error is null && kind is not null && !IdentifierKinds.Contains(kind))
        {
            error = $"'{name}.kind' is not a known identifier kind.";
        }

        var rawId = AcsRequestJson.OptionalString(identifier, "rawId", out var rawError);
        error ??= rawError;
        if (error is not null)
        {
            return null;
        }

        if (identifier.TryGetProperty("phoneNumber", out var phone) && phone.ValueKind == JsonValueKind.Object)
        {
            var value = AcsRequestJson.RequiredString(phone, "value", out error);
            if (error is not null)
            {
                error = $"'{name}.phoneNumber': {error}";
                return null;
            }

            rawId ??= "4:" + value;
        }

        if (identifier.TryGetProperty("communicationUser", out var user) && user.ValueKind == JsonValueKind.Object)
        {
            var id = AcsRequestJson.RequiredString(user, "id", out error);
            if (error is not null)
            {
                error = $"'{name}.communicationUser': {error}";
                return null;
            }

            rawId ??= id;
        }

        rawId ??= TeamsRawId(identifier, name, out error);
        if (error is not null)
        {
            return null;
        }

        if (rawId is null)
        {
            error = $"'{name}' names nobody (no rawId, phoneNumber, communicationUser, microsoftTeamsUser, microsoftTeamsApp or teamsExtensionUser).";
        }

        return rawId;
    }

    // rawId is optional in requests (common.json), so a Teams participant may be named only by its model; the raw id is
    // built with the prefixes the Communication SDKs use (cloud "public" and isAnonymous false when absent).
    private static string? TeamsRawId(JsonElement identifier, string name, out string? error)
    {
        error = null;
        if (identifier.TryGetProperty("microsoftTeamsUser", out var user) && user.ValueKind == JsonValueKind.Object)
        {
            var userId = AcsRequestJson.RequiredString(user, "userId", out error);
            var anonymous = AcsRequestJson.OptionalBoolean(user, "isAnonymous", out var anonymousError);
            var cloud = AcsRequestJson.OptionalString(user, "cloud", out var cloudError);
            error = Prefix(name, "microsoftTeamsUser", error ?? anonymousError ?? cloudError);
            return error is not null ? null : anonymous ? "8:teamsvisitor:" + userId : cloud switch
            {
                "dod" => "8:dod:",
                "gcch" => "8:gcch:",
                _ => "8:orgid:",
            } + userId;
        }

        if (identifier.TryGetProperty("microsoftTeamsApp", out var app) && app.ValueKind == JsonValueKind.Object)
        {
            var appId = AcsRequestJson.RequiredString(app, "appId", out error);
            var cloud = AcsRequestJson.OptionalString(app, "cloud", out var cloudError);
            error = Prefix(name, "microsoftTeamsApp", error ?? cloudError);
            return error is not null ? null : cloud switch
            {
                "dod" => "28:dod:",
                "gcch" => "28:gcch:",
                _ => "28:orgid:",
            } + appId;
        }

        if (identifier.TryGetProperty("teamsExtensionUser", out var extension) && extension.ValueKind == JsonValueKind.Object)
        {
            var userId = AcsRequestJson.RequiredString(extension, "userId", out error);
            var tenantId = AcsRequestJson.RequiredString(extension, "tenantId", out var tenantError);
            var resourceId = AcsRequestJson.RequiredString(extension, "resourceId", out var resourceError);
            var cloud = AcsRequestJson.OptionalString(extension, "cloud", out var cloudError);
            error = Prefix(name, "teamsExtensionUser", error ?? tenantError ?? resourceError ?? cloudError);
            var prefix = cloud switch
            {
                "dod" => "8:dod-acs:",
                "gcch" => "8:gcch-acs:",
                _ => "8:acs:",
            };
            return error is not null ? null : $"{prefix}{resourceId}_{tenantId}_{userId}";
        }

        return null;
    }

    private static string? Prefix(string name, string model, string? error) => error is null ? null : $"'{name}.{model}': {error}";
}
