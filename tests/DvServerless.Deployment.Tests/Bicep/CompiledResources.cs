using System.Text.RegularExpressions;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>The resources of the compiled main template, and the look-ups the posture tests make on them.</summary>
internal static partial class CompiledResources
{
    /// <summary>Every resource of <c>infra/main.bicep</c> as compiled, modules included.</summary>
    public static async Task<IReadOnlyList<ArmResource>> ResourcesAsync()
    {
        var compiled = await CompiledTemplate.MainAsync();
        return ArmResource.Walk(compiled.RequireTemplate());
    }

    /// <summary>The resources of <paramref name="type"/> (case-insensitive, as ARM compares types).</summary>
    public static List<ArmResource> OfType(IReadOnlyList<ArmResource> resources, string type) =>
        resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The built-in role id a role assignment grants, read from the variable its module names it with.</summary>
    public static string? RoleDefinitionId(ArmResource assignment)
    {
        var expression = assignment.Body["properties"]!["roleDefinitionId"]!.GetValue<string>();
        var match = VariableReference().Match(expression);
        return assignment.Variable(match.Success ? match.Groups["name"].Value : expression)?.GetValue<string>();
    }

    [GeneratedRegex(@"variables\('(?<name>[A-Za-z0-9_]+)'\)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();
}
