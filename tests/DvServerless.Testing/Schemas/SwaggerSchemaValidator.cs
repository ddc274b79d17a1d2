using System.Text.Json;

namespace DvServerless.Testing.Schemas;

/// <summary>
/// A focused JSON-schema validator for the schema dialects of the specs the project checks its traffic against:
/// Swagger 2.0 <c>definitions</c> (with <c>discriminator</c> / <c>x-ms-discriminator-value</c> inheritance and relative
/// external <c>$ref</c>s such as <c>../../../Common/…/common.json#/definitions/X</c>) and OpenAPI 3.x
/// <c>components/schemas</c> (<c>oneOf</c>, <c>anyOf</c>, <c>const</c>, <c>nullable</c>, type arrays, discriminator
/// mappings). Supported: type, enum, const, required, properties, additionalProperties, items, minItems, maxItems,
/// minimum, maximum, allOf, anyOf, oneOf, not, $ref. <c>format</c> and <c>pattern</c> are ignored on purpose.
/// </summary>
public sealed class SwaggerSchemaValidator
{
    private readonly Dictionary<string, JsonDocument> _documents = new(StringComparer.Ordinal);
    private readonly string _rootPath;

    private SwaggerSchemaValidator(string rootPath)
    {
        _rootPath = Path.GetFullPath(rootPath);
        LoadDocument(_rootPath);
    }

    /// <summary>Loads the spec at <paramref name="path"/>; referenced files are loaded on demand.</summary>
    public static SwaggerSchemaValidator Load(string path) => new(path);

    /// <summary>
    /// Validates <paramref name="instance"/> against the named schema (<c>#/definitions/name</c> in Swagger 2.0,
    /// <c>#/components/schemas/name</c> in OpenAPI 3). Returns the violations, empty when valid.
    /// </summary>
    public IReadOnlyList<string> ValidateDefinition(string name, JsonElement instance)
    {
        var root = LoadDocument(_rootPath).RootElement;
        var pointer = root.TryGetProperty("definitions", out var definitions) && definitions.TryGetProperty(name, out _)
            ? "/definitions/" + name
            : "/components/schemas/" + name;
        return Validate("#" + pointer, instance);
    }

    /// <summary>Validates against a <c>$ref</c>-style reference relative to the root spec, e.g. <c>#/definitions/PlayRequest</c>.</summary>
    public IReadOnlyList<string> Validate(string reference, JsonElement instance)
    {
        var errors = new List<string>();
        var schema = Resolve(_rootPath, reference);
        ValidateNode(schema, instance, "$", errors, skipDiscriminator: false, inheritedProperties: null);
        return errors;
    }

    /// <summary>Parses <paramref name="json"/> and validates it against the named schema.</summary>
    public IReadOnlyList<string> ValidateDefinition(string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        return ValidateDefinition(name, document.RootElement);
    }

    private readonly record struct SchemaNode(string Document, string Pointer, JsonElement Element);

    private JsonDocument LoadDocument(string path)
    {
        if (!_documents.TryGetValue(path, out var document))
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
            _documents[path] = document;
        }

        return document;
    }

    private SchemaNode Resolve(string currentDocument, string reference)
    {
        var hash = reference.IndexOf('#');
        var filePart = hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? string.Empty : reference[(hash + 1)..];
        var documentPath = filePart.Length == 0
            ? currentDocument
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(currentDocument)!, filePart.Replace('/', Path.DirectorySeparatorChar)));
        var element = LoadDocument(documentPath).RootElement;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(segment).Replace("~1", "/").Replace("~0", "~");
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var next))
            {
                element = next;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(name, out var index) && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                throw new InvalidOperationException($"Cannot resolve $ref '{reference}' from {Path.GetFileName(currentDocument)}.");
            }
        }

        return new SchemaNode(documentPath, pointer, element);
    }

    private void ValidateNode(SchemaNode schema, JsonElement instance, string path, List<string> errors, bool skipDiscriminator,
        HashSet<string>? inheritedProperties)
    {
        var s = schema.Element;
        if (s.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (s.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here.");
            return;
        }

        if (s.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (s.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            var target = Resolve(schema.Document, reference.GetString()!);
            ValidateNode(target, instance, path, errors, skipDiscriminator, inheritedProperties);
        }

        // Swagger 2.0 polymorphism: a base with "discriminator": "prop" is validated as the derived definition whose
        // x-ms-discriminator-value (or name) equals the instance's value and whose allOf points back at the base.
        if (!skipDiscriminator && s.TryGetProperty("discriminator", out var discriminator) && discriminator.ValueKind == JsonValueKind.String
            && instance.ValueKind == JsonValueKind.Object && instance.TryGetProperty(discriminator.GetString()!, out var tag)
            && tag.ValueKind == JsonValueKind.String && FindDerived(schema, tag.GetString()!) is { } derived)
        {
            ValidateNode(derived, instance, path, errors, skipDiscriminator: false, inheritedProperties);
            return;
        }

        if (!CheckType(s, instance, path, errors))
        {
            return;
        }

        if (s.TryGetProperty("enum", out var enumValues) && enumValues.ValueKind == JsonValueKind.Array
            && !enumValues.EnumerateArray().Any(v => JsonElement.DeepEquals(v, instance)))
        {
            errors.Add($"{path}: {instance.GetRawText()} is not one of {enumValues.GetRawText()}.");
        }

        if (s.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, instance))
        {
            errors.Add($"{path}: {instance.GetRawText()} is not the constant {constant.GetRawText()}.");
        }

        if (instance.ValueKind == JsonValueKind.Number)
        {
            var number = instance.GetDouble();
            if (s.TryGetProperty("minimum", out var minimum) && minimum.ValueKind == JsonValueKind.Number && number < minimum.GetDouble())
            {
                errors.Add($"{path}: {number} is below the minimum {minimum.GetDouble()}.");
            }

            if (s.TryGetProperty("maximum", out var maximum) && maximum.ValueKind == JsonValueKind.Number && number > maximum.GetDouble())
            {
                errors.Add($"{path}: {number} is above the maximum {maximum.GetDouble()}.");
            }
        }

        var known = CollectProperties(schema, new HashSet<string>(StringComparer.Ordinal), depth: 0);
        if (inheritedProperties is not null)
        {
            known.UnionWith(inheritedProperties);
        }

        if (instance.ValueKind == JsonValueKind.Object)
        {
            ValidateObject(schema, instance, path, errors, known);
        }

        if (instance.ValueKind == JsonValueKind.Array)
        {
            ValidateArray(schema, instance, path, errors);
        }

        if (s.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var _ in allOf.EnumerateArray())
            {
                // The parent's properties are allowed in each part: allOf is inheritance in these specs.
                ValidateNode(Child(schema, "/allOf/" + index++), instance, path, errors, skipDiscriminator: true, known);
            }
        }

        if (s.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
        {
            var matches = CountMatches(schema, "anyOf", anyOf.GetArrayLength(), instance, path, out var firstErrors);
            if (matches == 0)
            {
                errors.Add($"{path}: matches none of anyOf ({firstErrors}).");
            }
        }

        if (s.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array)
        {
            if (s.TryGetProperty("discriminator", out var mapping) && mapping.ValueKind == JsonValueKind.Object
                && mapping.TryGetProperty("propertyName", out var propertyName) && instance.ValueKind == JsonValueKind.Object
                && instance.TryGetProperty(propertyName.GetString()!, out var value) && value.ValueKind == JsonValueKind.String
                && mapping.TryGetProperty("mapping", out var map) && map.TryGetProperty(value.GetString()!, out var mapped))
            {
                ValidateNode(Resolve(schema.Document, mapped.GetString()!), instance, path, errors, skipDiscriminator: true, null);
            }
            else
            {
                var matches = CountMatches(schema, "oneOf", oneOf.GetArrayLength(), instance, path, out var firstErrors);
                if (matches != 1)
                {
                    errors.Add(matches == 0
                        ? $"{path}: matches none of oneOf ({firstErrors})."
                        : $"{path}: matches {matches} schemas of oneOf, exactly one is required.");
                }
            }
        }

        if (s.TryGetProperty("not", out _))
        {
            var notErrors = new List<string>();
            ValidateNode(Child(schema, "/not"), instance, path, notErrors, false, null);
            if (notErrors.Count == 0)
            {
                errors.Add($"{path}: matches a schema it must not match.");
            }
        }
    }

    private int CountMatches(SchemaNode schema, string keyword, int count, JsonElement instance, string path, out string firstErrors)
    {
        var matches = 0;
        firstErrors = string.Empty;
        for (var i = 0; i < count; i++)
        {
            var attempt = new List<string>();
            ValidateNode(Child(schema, $"/{keyword}/{i}"), instance, path, attempt, false, null);
            if (attempt.Count == 0)
            {
                matches++;
            }
            else if (firstErrors.Length == 0)
            {
                firstErrors = string.Join("; ", attempt.Take(3));
            }
        }

        return matches;
    }

    private void ValidateObject(SchemaNode schema, JsonElement instance, string path, List<string> errors, HashSet<string> known)
    {
        var s = schema.Element;
        if (s.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray())
            {
                if (!instance.TryGetProperty(name.GetString()!, out _))
                {
                    errors.Add($"{path}: required property '{name.GetString()}' is missing.");
                }
            }
        }

        var hasProperties = s.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
        s.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in instance.EnumerateObject())
        {
            var propertyPath = path + "." + property.Name;
            if (hasProperties && properties.TryGetProperty(property.Name, out _))
            {
                ValidateNode(Child(schema, "/properties/" + Escape(property.Name)), property.Value, propertyPath, errors, false, null);
            }
            else if (!known.Contains(property.Name))
            {
                if (additional.ValueKind == JsonValueKind.False)
                {
                    errors.Add($"{path}: property '{property.Name}' is not allowed.");
                }
                else if (additional.ValueKind == JsonValueKind.Object)
                {
                    ValidateNode(Child(schema, "/additionalProperties"), property.Value, propertyPath, errors, false, null);
                }
            }
        }
    }

    private void ValidateArray(SchemaNode schema, JsonElement instance, string path, List<string> errors)
    {
        var s = schema.Element;
        var length = instance.GetArrayLength();
        if (s.TryGetProperty("minItems", out var minItems) && length < minItems.GetInt32())
        {
            errors.Add($"{path}: has {length} items, fewer than {minItems.GetInt32()}.");
        }

        if (s.TryGetProperty("maxItems", out var maxItems) && length > maxItems.GetInt32())
        {
            errors.Add($"{path}: has {length} items, more than {maxItems.GetInt32()}.");
        }

        if (s.TryGetProperty("items", out var items) && items.ValueKind is JsonValueKind.Object or JsonValueKind.False or JsonValueKind.True)
        {
            var index = 0;
            foreach (var item in instance.EnumerateArray())
            {
                ValidateNode(Child(schema, "/items"), item, $"{path}[{index++}]", errors, false, null);
            }
        }
    }

    private static bool CheckType(JsonElement s, JsonElement instance, string path, List<string> errors)
    {
        if (!s.TryGetProperty("type", out var type))
        {
            return true;
        }

        var nullable = s.TryGetProperty("nullable", out var n) && n.ValueKind == JsonValueKind.True;
        if (nullable && instance.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        var allowed = type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()!).ToArray()
            : [type.GetString()!];
        if (allowed.Any(t => Matches(t, instance)))
        {
            return true;
        }

        errors.Add($"{path}: expected {string.Join(" or ", allowed)}, found {instance.ValueKind}.");
        return false;
    }

    private static bool Matches(string type, JsonElement instance) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    // The property names a schema declares, itself and through allOf (followed across $refs).
    private HashSet<string> CollectProperties(SchemaNode schema, HashSet<string> names, int depth)
    {
        if (depth > 32 || schema.Element.ValueKind != JsonValueKind.Object)
        {
            return names;
        }

        var s = schema.Element;
        if (s.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            CollectProperties(Resolve(schema.Document, reference.GetString()!), names, depth + 1);
        }

        if (s.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                names.Add(property.Name);
            }
        }

        if (s.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            for (var i = 0; i < allOf.GetArrayLength(); i++)
            {
                CollectProperties(Child(schema, "/allOf/" + i), names, depth + 1);
            }
        }

        return names;
    }

    private SchemaNode? FindDerived(SchemaNode baseSchema, string value)
    {
        var root = LoadDocument(baseSchema.Document).RootElement;
        var (container, prefix) = root.TryGetProperty("definitions", out var definitions)
            ? (definitions, "/definitions/")
            : root.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var schemas)
                ? (schemas, "/components/schemas/")
                : (default, string.Empty);
        if (container.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var candidate in container.EnumerateObject())
        {
            var pointer = prefix + Escape(candidate.Name);
            if (pointer == baseSchema.Pointer)
            {
                continue;
            }

            var tag = candidate.Value.TryGetProperty("x-ms-discriminator-value", out var explicitTag) ? explicitTag.GetString() : candidate.Name;
            if (tag != value || !candidate.Value.TryGetProperty("allOf", out var allOf) || allOf.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in allOf.EnumerateArray())
            {
                if (part.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
                {
                    var target = Resolve(baseSchema.Document, reference.GetString()!);
                    if (target.Document == baseSchema.Document && target.Pointer == baseSchema.Pointer)
                    {
                        return new SchemaNode(baseSchema.Document, pointer, candidate.Value);
                    }
                }
            }
        }

        return null;
    }

    private static SchemaNode Child(SchemaNode parent, string relativePointer)
    {
        var element = parent.Element;
        foreach (var segment in relativePointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/").Replace("~0", "~");
            element = element.ValueKind == JsonValueKind.Array ? element[int.Parse(name)] : element.GetProperty(name);
        }

        return new SchemaNode(parent.Document, parent.Pointer + relativePointer, element);
    }

    private static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");
}
