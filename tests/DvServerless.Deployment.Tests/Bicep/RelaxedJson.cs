using System.Text.Encodings.Web;
using System.Text.Json;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>Serializer options that keep ARM expressions readable (quotes are not escaped to \u0027).</summary>
public static class RelaxedJson
{
    /// <summary>Relaxed escaping, for matching expression text.</summary>
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
