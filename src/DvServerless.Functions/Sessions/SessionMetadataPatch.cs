using System.Text.Json;

namespace DvServerless.Functions.Sessions;

/// <summary>
/// The body of <c>PATCH /api/v1/sessions/{id}/meta</c>: a JSON object of string values to set, where <c>null</c> removes
/// a key, e.g. <c>{"customerId":"C-42","campaign":null}</c>.
/// </summary>
public sealed class SessionMetadataPatch
{
    private SessionMetadataPatch(IReadOnlyList<KeyValuePair<string, string?>> changes) => Changes = changes;

    /// <summary>The changes in body order; a null value removes the key.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Changes { get; }

    /// <summary>Parses a body; returns null with the reason when it is not a valid patch.</summary>
    public static SessionMetadataPatch? TryParse(BinaryData body, out string? error)
    {
        ArgumentNullException.ThrowIfNull(body);
        error = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "The body must be a JSON object of string values, e.g. {\"customerId\":\"C-42\"}; null removes a key.";
                return null;
            }

            var changes = new List<KeyValuePair<string, string?>>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!SessionMetadataLimits.IsValidKey(property.Name))
                {
                    error = $"Metadata keys are 1–{SessionMetadataLimits.MaxKeyLength} ASCII letters, digits, '-', '_', '.' or ':'.";
                    return null;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Null:
                        changes.Add(new(property.Name, null));
                        break;
                    case JsonValueKind.String when property.Value.GetString()!.Length <= SessionMetadataLimits.MaxValueLength:
                        changes.Add(new(property.Name, property.Value.GetString()));
                        break;
                    case JsonValueKind.String:
                        error = $"Metadata values are at most {SessionMetadataLimits.MaxValueLength} characters.";
                        return null;
                    default:
                        error = $"The value of '{property.Name}' must be a string or null.";
                        return null;
                }
            }

            return new SessionMetadataPatch(changes);
        }
        catch (JsonException)
        {
            error = "The body is not valid JSON.";
            return null;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json throws this for a name or string it cannot decode (a lone surrogate escape such as "\uD800").
            error = "The body holds a key or value that is not valid Unicode.";
            return null;
        }
    }

    /// <summary>
    /// Applies the changes to <paramref name="metadata"/> in place; false (and nothing changed) when the result would hold
    /// more than <see cref="SessionMetadataLimits.MaxEntries"/> entries.
    /// </summary>
    public bool TryApplyTo(IDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var merged = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        foreach (var (key, value) in Changes)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        if (merged.Count > SessionMetadataLimits.MaxEntries)
        {
            return false;
        }

        metadata.Clear();
        foreach (var (key, value) in merged)
        {
            metadata[key] = value;
        }

        return true;
    }
}
