using System.Text.Json;
using System.Text.RegularExpressions;

namespace DvServerless.Deployment.Tests.Schemas;

/// <summary>
/// A focused JSON Schema (draft 2019-09 subset) validator for the azd <c>azure.yaml</c> schema: type, properties,
/// required, additionalProperties, minProperties, enum, const, pattern, minLength, maxLength, items, minItems,
/// uniqueItems, allOf, anyOf, oneOf, not, if/then/else, boolean schemas and local <c>$ref</c>s. Remote <c>$ref</c>s
/// (azd extension schemas) are reported as not checked rather than guessed. The shared SwaggerSchemaValidator has no
/// if/then/else, which this schema relies on for its per-host rules.
/// </summary>
public sealed class JsonSchemaValidator
{
    private readonly JsonElement _root;

    /// <summary>Wraps a parsed schema document.</summary>
    public JsonSchemaValidator(JsonElement root) => _root = root;

    /// <summary>Remote references met while validating (not checked).</summary>
    public List<string> UncheckedReferences { get; } = [];

    /// <summary>Validates <paramref name="instance"/>; returns the violations, empty when valid.</summary>
    public IReadOnlyList<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(_root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: not allowed here");
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = reference.GetString()!;
            if (target.StartsWith("#/", StringComparison.Ordinal))
            {
                Check(ResolveLocal(target), instance, path, errors);
            }
            else
            {
                UncheckedReferences.Add($"{path}: {target}");
            }
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, instance))
        {
            errors.Add($"{path}: expected {type}, got {instance.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(value => JsonElement.DeepEquals(value, instance)))
        {
            errors.Add($"{path}: {instance} is not one of {allowed}");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, instance))
        {
            errors.Add($"{path}: expected {constant}");
        }

        if (instance.ValueKind == JsonValueKind.String)
        {
            var text = instance.GetString()!;
            if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.CultureInvariant))
            {
                errors.Add($"{path}: '{text}' does not match {pattern}");
            }

            if (schema.TryGetProperty("minLength", out var minLength) && text.Length < minLength.GetInt32())
            {
                errors.Add($"{path}: shorter than {minLength}");
            }

            if (schema.TryGetProperty("maxLength", out var maxLength) && text.Length > maxLength.GetInt32())
            {
                errors.Add($"{path}: longer than {maxLength}");
            }
        }

        if (instance.ValueKind == JsonValueKind.Object)
        {
            CheckObject(schema, instance, path, errors);
        }

        if (instance.ValueKind == JsonValueKind.Array)
        {
            var items = instance.EnumerateArray().ToList();
            if (schema.TryGetProperty("minItems", out var minItems) && items.Count < minItems.GetInt32())
            {
                errors.Add($"{path}: fewer than {minItems} items");
            }

            if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True
                && items.Select(item => item.GetRawText()).Distinct().Count() != items.Count)
            {
                errors.Add($"{path}: items are not unique");
            }

            if (schema.TryGetProperty("items", out var itemSchema))
            {
                for (var i = 0; i < items.Count; i++)
                {
                    Check(itemSchema, items[i], $"{path}[{i}]", errors);
                }
            }
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Check(part, instance, path, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(part => Passes(part, instance, path)))
        {
            errors.Add($"{path}: matches none of anyOf");
        }

        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Count(part => Passes(part, instance, path)) != 1)
        {
            errors.Add($"{path}: does not match exactly one of oneOf");
        }

        if (schema.TryGetProperty("not", out var not) && Passes(not, instance, path))
        {
            errors.Add($"{path}: matches a schema it must not match");
        }

        if (schema.TryGetProperty("if", out var condition))
        {
            var branch = Passes(condition, instance, path) ? "then" : "else";
            if (schema.TryGetProperty(branch, out var consequence))
            {
                Check(consequence, instance, path, errors);
            }
        }
    }

    private void CheckObject(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        var names = instance.EnumerateObject().Select(property => property.Name).ToList();
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(name => name.GetString()!).Where(name => !names.Contains(name)))
            {
                errors.Add($"{path}: missing required '{name}'");
            }
        }

        if (schema.TryGetProperty("minProperties", out var minProperties) && names.Count < minProperties.GetInt32())
        {
            errors.Add($"{path}: fewer than {minProperties} properties");
        }

        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in instance.EnumerateObject())
        {
            var childPath = $"{path}.{property.Name}";
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(propertySchema, property.Value, childPath, errors);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                errors.Add($"{childPath}: unknown property");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Check(additional, property.Value, childPath, errors);
            }
        }
    }

    private bool Passes(JsonElement schema, JsonElement instance, string path)
    {
        var errors = new List<string>();
        Check(schema, instance, path, errors);
        return errors.Count == 0;
    }

    private JsonElement ResolveLocal(string reference)
    {
        var node = _root;
        foreach (var segment in reference[2..].Split('/'))
        {
            node = node.GetProperty(segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        }

        return node;
    }

    private static bool MatchesType(JsonElement type, JsonElement instance) =>
        type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Any(single => MatchesType(single, instance))
            : type.GetString() switch
            {
                "object" => instance.ValueKind == JsonValueKind.Object,
                "array" => instance.ValueKind == JsonValueKind.Array,
                "string" => instance.ValueKind == JsonValueKind.String,
                "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
                "number" => instance.ValueKind == JsonValueKind.Number,
                "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetInt64(out _),
                "null" => instance.ValueKind == JsonValueKind.Null,
                _ => true,
            };
}
