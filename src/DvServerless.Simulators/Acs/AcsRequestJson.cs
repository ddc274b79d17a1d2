using System.Text.Json;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Reads the fields of a Call Automation request body with the swagger's rules: a JSON object with no properties but the
/// allowed ones (<c>additionalProperties: false</c>), required non-empty strings, optional strings and booleans. Each
/// read returns the value or the message that says what is wrong.
/// </summary>
internal static class AcsRequestJson
{
    public static string? Root(byte[] body, string[] allowed, out JsonElement root)
    {
        root = default;
        if (body.Length == 0)
        {
            return "A JSON body is required.";
        }

        using var document = JsonDocument.Parse(body);
        root = document.RootElement.Clone();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "The body must be a JSON object.";
        }

        return Unknown(root, allowed) is { } unknown ? $"Unknown property '{unknown}'." : null;
    }

    public static string? Unknown(JsonElement element, string[] allowed)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                return property.Name;
            }
        }

        return null;
    }

    public static string? RequiredString(JsonElement element, string name, out string? error)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = $"'{name}' is required.";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
        {
            error = $"'{name}' must be a non-empty string.";
            return null;
        }

        error = null;
        return value.GetString();
    }

    public static string? OptionalString(JsonElement element, string name, out string? error)
    {
        error = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string.";
            return null;
        }

        return value.GetString();
    }

    public static bool OptionalBoolean(JsonElement element, string name, out string? error)
    {
        error = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = $"'{name}' must be a boolean.";
            return false;
        }

        return value.GetBoolean();
    }
}
