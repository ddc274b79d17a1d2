using System.Text.Json;
using System.Text.Json.Serialization;

namespace DvServerless.Adapters.Storage;

/// <summary>The JSON shape of stored documents: camelCase, enums as strings, nulls omitted.</summary>
internal static class StorageJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
