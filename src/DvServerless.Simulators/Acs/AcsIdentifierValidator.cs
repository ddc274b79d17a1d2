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

        if (rawId is null)
        {
            error = $"'{name}' names nobody (no rawId, phoneNumber or communicationUser).";
        }

        return rawId;
    }
}
