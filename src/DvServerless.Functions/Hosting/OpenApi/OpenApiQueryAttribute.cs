namespace DvServerless.Functions.Hosting.OpenApi;

/// <summary>
/// Declares a query parameter of an HTTP function for its OpenAPI description. Functions read their query themselves
/// (they take only <see cref="HttpRequest"/>), so the description cannot be inferred from the signature.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiQueryAttribute : Attribute
{
    /// <summary>Declares <paramref name="name"/> of <paramref name="type"/> (string, int or bool).</summary>
    public OpenApiQueryAttribute(string name, Type type, string description)
    {
        Name = name;
        Type = type;
        Description = description;
    }

    /// <summary>The parameter name.</summary>
    public string Name { get; }

    /// <summary>The value type: <see cref="string"/>, <see cref="int"/> or <see cref="bool"/>.</summary>
    public Type Type { get; }

    /// <summary>What it does.</summary>
    public string Description { get; }

    /// <summary>Allowed values, when the parameter is an enumeration.</summary>
    public string[]? Values { get; init; }

    /// <summary>Whether the request is refused without it.</summary>
    public bool Required { get; init; }
}
