using System.Text.Json;
using System.Text.Json.Serialization;

namespace DvServerless.Functions.CustomHandler;

/// <summary>
/// One invocation of a non-HTTP function as the Functions host sends it to a custom handler:
/// <c>POST /{FunctionName}</c> with <c>{"Data":{binding: value},"Metadata":{…,"sys":{"MethodName","UtcNow","RandGuid"}}}</c>.
/// The host serializes strings and numbers with Newtonsoft first, so a string can arrive with embedded quotes
/// (<c>"\"abc\""</c>) and a number as a string (<c>"4"</c>); the accessors here undo that.
/// </summary>
public sealed class CustomHandlerInvocation
{
    private const int MaxUnwrapDepth = 4;

    private static readonly JsonSerializerOptions ValueOptions = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private CustomHandlerInvocation(IReadOnlyDictionary<string, JsonElement> data, IReadOnlyDictionary<string, JsonElement> metadata)
    {
        Data = data;
        Metadata = metadata;
    }

    /// <summary>The input bindings by name, as sent (use <see cref="GetData{T}"/> or <see cref="GetDataString"/> to decode).</summary>
    public IReadOnlyDictionary<string, JsonElement> Data { get; }

    /// <summary>The trigger metadata by name, as sent, including <c>sys</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; }

    /// <summary><c>Metadata.sys.MethodName</c>: the function's name.</summary>
    public string? FunctionName => SysString("MethodName");

    /// <summary><c>Metadata.sys.UtcNow</c>, when present and readable.</summary>
    public DateTimeOffset? UtcNow => SysString("UtcNow") is { } text && DateTimeOffset.TryParse(
        text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var value) ? value : null;

    /// <summary>
    /// Parses an invocation body. Names are matched case-insensitively; <c>Data</c> and <c>Metadata</c> may be absent or null.
    /// </summary>
    /// <exception cref="FormatException">The body is not a JSON object with object-valued <c>Data</c> and <c>Metadata</c>.</exception>
    public static CustomHandlerInvocation Parse(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException("The invocation body is not JSON: " + e.Message, e);
        }

        root = Unwrap(root);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The invocation body must be a JSON object with Data and Metadata.");
        }

        return new CustomHandlerInvocation(ReadSection(root, "Data"), ReadSection(root, "Metadata"));
    }

    /// <summary>Input binding <paramref name="name"/> decoded as <typeparamref name="T"/>, or default when absent or null.</summary>
    /// <exception cref="FormatException">The value cannot be read as <typeparamref name="T"/>.</exception>
    public T? GetData<T>(string name) => Decode<T>(Data, name);

    /// <summary>Input binding <paramref name="name"/> as text with any double encoding removed, or null when absent or null.</summary>
    public string? GetDataString(string name) => DecodeString(Data, name);

    /// <summary>Metadata entry <paramref name="name"/> decoded as <typeparamref name="T"/>, or default when absent or null.</summary>
    /// <exception cref="FormatException">The value cannot be read as <typeparamref name="T"/>.</exception>
    public T? GetMetadata<T>(string name) => Decode<T>(Metadata, name);

    /// <summary>Metadata entry <paramref name="name"/> as text with any double encoding removed, or null when absent or null.</summary>
    public string? GetMetadataString(string name) => DecodeString(Metadata, name);

    /// <summary>
    /// Removes the host's extra encoding: while <paramref name="value"/> is a JSON string whose content is itself JSON,
    /// replaces it with that content (<c>"\"abc\""</c> → <c>"abc"</c>, <c>"4"</c> → <c>4</c>, <c>"{…}"</c> → the object).
    /// </summary>
    public static JsonElement Unwrap(JsonElement value)
    {
        for (var depth = 0; depth < MaxUnwrapDepth && value.ValueKind == JsonValueKind.String; depth++)
        {
            var text = value.GetString()!;
            if (!TryParse(text, out var inner))
            {
                break;
            }

            value = inner;
        }

        return value;
    }

    private static string? DecodeString(IReadOnlyDictionary<string, JsonElement> section, string name)
    {
        if (!section.TryGetValue(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        // Only string layers are peeled: a message whose text is "4" or "true" stays text, not a number or a bool.
        for (var depth = 0; depth < MaxUnwrapDepth && value.ValueKind == JsonValueKind.String; depth++)
        {
            var text = value.GetString()!;
            if (!TryParse(text, out var inner) || inner.ValueKind != JsonValueKind.String)
            {
                return text;
            }

            value = inner;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
    }

    private static T? Decode<T>(IReadOnlyDictionary<string, JsonElement> section, string name)
    {
        if (typeof(T) == typeof(string))
        {
            return (T?)(object?)DecodeString(section, name);
        }

        if (!section.TryGetValue(name, out var value))
        {
            return default;
        }

        value = Unwrap(value);
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return default;
        }

        try
        {
            return value.Deserialize<T>(ValueOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The invocation value '{name}' is not a {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static Dictionary<string, JsonElement> ReadSection(JsonElement root, string name)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            if (!string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var section = Unwrap(property.Value);
            if (section.ValueKind is JsonValueKind.Null)
            {
                return result;
            }

            if (section.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"The invocation's {name} must be a JSON object.");
            }

            foreach (var entry in section.EnumerateObject())
            {
                result[entry.Name] = entry.Value;
            }
        }

        return result;
    }

    private string? SysString(string name)
    {
        if (!Metadata.TryGetValue("sys", out var sys) || (sys = Unwrap(sys)).ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in sys.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                var value = Unwrap(property.Value);
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
        }

        return null;
    }

    private static bool TryParse(string text, out JsonElement value)
    {
        value = default;
        var trimmed = text.AsSpan().Trim();
        // Cheap pre-check: plain words ("abc") are the common case and are not JSON.
        if (trimmed.IsEmpty || !(trimmed[0] is '"' or '{' or '[' or '-' or 't' or 'f' or 'n' || char.IsAsciiDigit(trimmed[0])))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
