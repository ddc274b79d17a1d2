using System.Text.Json.Nodes;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>One resource of a compiled ARM template, wherever it sits in the nesting of module deployments.</summary>
/// <param name="Type">The resource type, e.g. <c>Microsoft.Web/sites</c>.</param>
/// <param name="Body">The resource's JSON (name, scope, properties, … as ARM expressions).</param>
/// <param name="Module">The module deployment path, e.g. <c>functions</c> or <c>mediaworker/…</c>; empty at the top.</param>
/// <param name="TemplateScope">The target scope of the template that declares it (from its <c>$schema</c>).</param>
/// <param name="Template">The template that declares it (parameters, variables).</param>
/// <param name="PassedParameters">The parameter values its module deployment passes in; null at the top.</param>
/// <param name="Deployment">The module deployment that declares its template (its values resolve in the parent); null at the top.</param>
public sealed record ArmResource(string Type, JsonObject Body, string Module, string TemplateScope, JsonObject Template, JsonObject? PassedParameters, ArmResource? Deployment = null)
{
    private static readonly System.Text.RegularExpressions.Regex ParameterReference =
        new(@"^\[parameters\('(?<name>[A-Za-z0-9_]+)'\)\]$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// The value of <paramref name="node"/> with a bare <c>[parameters('x')]</c> replaced by the value the module is
    /// given (itself resolved in the parent template, so a value passed down from the main template's parameters reads
    /// as that parameter's), or else the parameter's default; any other expression is returned as is.
    /// </summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text) && ParameterReference.Match(text) is { Success: true } match)
        {
            var name = match.Groups["name"].Value;
            if (PassedParameters?[name]?["value"] is { } passed)
            {
                return Deployment is null ? passed : Deployment.Resolve(passed);
            }

            return Template["parameters"]?[name]?["defaultValue"];
        }

        return node;
    }

    /// <summary>A variable of the declaring template.</summary>
    public JsonNode? Variable(string name) => Template["variables"]?[name];

    /// <summary>The resource's <c>properties</c> object (empty when absent).</summary>
    public JsonObject Properties => Body["properties"] as JsonObject ?? new JsonObject();

    /// <summary>Every resource of <paramref name="template"/> and of the templates of its nested deployments.</summary>
    public static IReadOnlyList<ArmResource> Walk(JsonObject template)
    {
        var found = new List<ArmResource>();
        Walk(template, string.Empty, null, null, found);
        return found;
    }

    private static void Walk(JsonObject template, string module, JsonObject? passedParameters, ArmResource? deployment, List<ArmResource> found)
    {
        var schema = template["$schema"]?.GetValue<string>() ?? string.Empty;
        var scope = schema.Contains("subscriptionDeploymentTemplate", StringComparison.OrdinalIgnoreCase) ? "subscription"
            : schema.Contains("managementGroupDeploymentTemplate", StringComparison.OrdinalIgnoreCase) ? "managementGroup"
            : schema.Contains("tenantDeploymentTemplate", StringComparison.OrdinalIgnoreCase) ? "tenant"
            : "resourceGroup";

        // languageVersion 2.0 templates hold resources in an object keyed by symbolic name.
        IEnumerable<JsonNode?> resources = template["resources"] switch
        {
            JsonArray array => array,
            JsonObject map => map.Select(entry => entry.Value),
            _ => [],
        };

        foreach (var node in resources)
        {
            if (node is not JsonObject resource)
            {
                continue;
            }

            var type = resource["type"]?.GetValue<string>() ?? string.Empty;
            var declared = new ArmResource(type, resource, module, scope, template, passedParameters, deployment);
            found.Add(declared);
            if (type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                var name = resource["name"]?.GetValue<string>() ?? "?";
                Walk(nested, module.Length == 0 ? name : module + "/" + name, resource["properties"]?["parameters"] as JsonObject, declared, found);
            }
        }
    }
}
