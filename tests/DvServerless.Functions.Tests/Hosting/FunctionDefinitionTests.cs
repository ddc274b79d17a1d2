using System.Text.Json;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace DvServerless.Functions.Tests.Hosting;

/// <summary>
/// The Functions host only knows the functions that have a function.json, and forwards each HTTP one to
/// <c>/{routePrefix}/{route}</c>; the app must serve exactly those paths (HOSTING.md §1.2, §9).
/// </summary>
public sealed class FunctionDefinitionTests
{
    private static string DefinitionsFolder => Path.Combine(RepositoryPaths.RequireRoot(), "src", "DvServerless.Functions", "FunctionDefinitions");

    [Fact]
    public void Every_http_function_is_a_pure_http_trigger_with_an_http_output()
    {
        var definitions = LoadDefinitions();
        Assert.NotEmpty(definitions);

        foreach (var (name, root) in definitions.Where(d => IsHttp(d.Root)))
        {
            var bindings = root.GetProperty("bindings").EnumerateArray().ToArray();
            Assert.True(bindings.Length == 2, $"{name}: an HTTP function has exactly two bindings, or the host stops forwarding it.");
            Assert.Equal("httpTrigger", bindings[0].GetProperty("type").GetString());
            Assert.Equal("in", bindings[0].GetProperty("direction").GetString());
            Assert.Equal("req", bindings[0].GetProperty("name").GetString());
            Assert.Contains(bindings[0].GetProperty("authLevel").GetString(), new[] { "function", "anonymous" });
            Assert.Equal("http", bindings[1].GetProperty("type").GetString());
            Assert.Equal("out", bindings[1].GetProperty("direction").GetString());
            Assert.Equal("res", bindings[1].GetProperty("name").GetString());
        }
    }

    [Fact]
    public void The_acs_webhooks_are_defined_as_the_hosting_spec_lists_them()
    {
        var definitions = LoadDefinitions().ToDictionary(d => d.Name, d => d.Root);

        var incoming = definitions["IncomingCall"].GetProperty("bindings")[0];
        Assert.Equal("acs/incoming-call", incoming.GetProperty("route").GetString());
        Assert.Equal("function", incoming.GetProperty("authLevel").GetString());
        Assert.Equal(["options", "post"], Methods(incoming).Order());

        var callbacks = definitions["CallEvents"].GetProperty("bindings")[0];
        Assert.Equal("acs/callbacks/{callId}", callbacks.GetProperty("route").GetString());
        Assert.Equal("function", callbacks.GetProperty("authLevel").GetString());
        Assert.Equal(["post"], Methods(callbacks));
    }

    [Fact]
    public async Task Every_function_json_maps_to_a_route_the_app_serves()
    {
        await using var app = FunctionsApp.Build([]);
        var served = ServedRoutes(app);

        foreach (var (name, root) in LoadDefinitions())
        {
            if (IsHttp(root))
            {
                var trigger = root.GetProperty("bindings")[0];
                var path = "/" + FunctionRoutes.Prefix + "/" + trigger.GetProperty("route").GetString();
                foreach (var method in Methods(trigger))
                {
                    Assert.True(served.Contains((path, method.ToUpperInvariant())), $"{name}: the app does not serve {method.ToUpperInvariant()} {path}.");
                }
            }
            else
            {
                // Non-HTTP functions are invoked as POST /{FunctionName} with the {Data, Metadata} payload.
                Assert.True(served.Contains(("/" + name, "POST")), $"{name}: the app does not serve POST /{name}.");
            }
        }
    }

    [Fact]
    public async Task Every_api_route_the_app_serves_has_a_function_json()
    {
        await using var app = FunctionsApp.Build([]);
        var defined = LoadDefinitions()
            .Where(d => IsHttp(d.Root))
            .Select(d => "/" + FunctionRoutes.Prefix + "/" + d.Root.GetProperty("bindings")[0].GetProperty("route").GetString())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var apiRoutes = ServedRoutes(app).Select(r => r.Path).Where(p => p.StartsWith("/" + FunctionRoutes.Prefix + "/", StringComparison.OrdinalIgnoreCase)).Distinct().ToArray();

        Assert.NotEmpty(apiRoutes);
        foreach (var path in apiRoutes)
        {
            Assert.True(defined.Contains(path), $"The app serves {path} but no function.json routes it; the Functions host would never forward it.");
        }
    }

    [Fact]
    public void The_function_definitions_are_copied_beside_the_executable()
    {
        // The Functions project's build output flows into this test's output folder, laid out as the publish root is.
        foreach (var (name, _) in LoadDefinitions())
        {
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, name, "function.json")), $"{name}/function.json is not in the build output.");
        }

        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "host.json")), "host.json is not in the build output.");
    }

    private static HashSet<(string Path, string Method)> ServedRoutes(WebApplication app)
    {
        var routes = new HashSet<(string, string)>();
        foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "OPTIONS"];
            foreach (var method in methods)
            {
                routes.Add((path, method));
            }
        }

        return routes;
    }

    private static List<(string Name, JsonElement Root)> LoadDefinitions() =>
        Directory.GetDirectories(DefinitionsFolder)
            .Select(folder => (Path.GetFileName(folder), JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "function.json"))).RootElement))
            .ToList();

    private static bool IsHttp(JsonElement root) =>
        root.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger");

    private static string[] Methods(JsonElement trigger) =>
        trigger.TryGetProperty("methods", out var methods) ? methods.EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).ToArray() : [];
}
