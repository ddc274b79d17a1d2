using Microsoft.AspNetCore.Http.Metadata;

namespace DvServerless.Functions.Hosting.OpenApi;

/// <summary>
/// Declares the body an HTTP function reads, for its OpenAPI description (functions read their body themselves, so it
/// cannot be inferred from the signature).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenApiRequestBodyAttribute : Attribute, IAcceptsMetadata
{
    /// <summary>Declares a body of <paramref name="requestType"/> in <paramref name="contentTypes"/> (default JSON).</summary>
    public OpenApiRequestBodyAttribute(Type requestType, params string[] contentTypes)
    {
        RequestType = requestType;
        ContentTypes = contentTypes.Length == 0 ? ["application/json"] : contentTypes;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ContentTypes { get; }

    /// <inheritdoc />
    public Type? RequestType { get; }

    /// <inheritdoc />
    public bool IsOptional => false;
}
