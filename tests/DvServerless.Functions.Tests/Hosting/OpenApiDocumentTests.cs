using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace DvServerless.Functions.Tests.Hosting;

/// <summary>The OpenAPI description served by the standalone host and committed as docs/openapi.json.</summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>Set to 1 to rewrite docs/openapi.json from the code instead of comparing.</summary>
    private const string UpdateVariable = "DVS_UPDATE_OPENAPI";

    [Fact]
    public async Task Every_function_is_described_with_its_methods_and_route_values()
    {
        var document = await FetchAsync();

        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        foreach (var route in FunctionsApp.Routes)
        {
            var path = Assert.IsType<JsonObject>(paths[route.Path], exactMatch: false);
            foreach (var method in route.Methods)
            {
                var operation = path[method.ToLowerInvariant()];
                Assert.True(operation is not null, $"{route.Name}: {method} {route.Path} is not described.");
                foreach (var value in route.Method.GetParameters().Where(p => p.ParameterType == typeof(string)))
                {
                    Assert.Contains(operation!["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == value.Name && p["in"]!.GetValue<string>() == "path");
                }
            }
        }

        Assert.Equal(FunctionsApp.Routes.Select(r => r.Path).Order(StringComparer.Ordinal), paths.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Webhooks_are_marked_and_tenant_routes_name_their_credentials()
    {
        var document = await FetchAsync();
        var incoming = document["paths"]!["/api/acs/incoming-call"]!["post"]!;
        var sessions = document["paths"]!["/api/v1/sessions"]!["get"]!;

        Assert.True(incoming["x-dvs-webhook"]!.GetValue<bool>());
        Assert.Contains("Event Grid", incoming["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(sessions["x-dvs-webhook"]);
        var schemes = sessions["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(p => p.Key)).ToArray();
        Assert.Equal(["apiKey", "bearer"], schemes);
        Assert.Contains(sessions["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "limit" && p["in"]!.GetValue<string>() == "query");
    }

    [Fact]
    public async Task Examples_are_the_real_types_serialized_as_the_app_sends_them()
    {
        var document = await FetchAsync();
        var example = document["paths"]!["/api/v1/sessions/{id}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!;

        // camelCase, as the app's JSON answers are.
        Assert.Equal("acme", example["tenantId"]!.GetValue<string>());
        Assert.NotNull(example["callId"]);
        var body = document["paths"]!["/api/v1/auth/token"]!["post"]!["requestBody"]!["content"]!["application/json"]!;
        Assert.NotNull(body["example"]!["apiKey"]);
    }

    [Fact]
    public async Task The_committed_document_matches_the_code()
    {
        var generated = (await FetchAsync()).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var file = Path.Combine(RepositoryPaths.RequireRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(file, generated);
        }

        Assert.True(File.Exists(file), $"docs/openapi.json is missing; run the Functions tests with {UpdateVariable}=1 to write it.");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(file));
        Assert.True(JsonNode.DeepEquals(committed, JsonNode.Parse(generated)),
            $"docs/openapi.json differs from what the code describes; run the Functions tests with {UpdateVariable}=1 and commit the file.");
    }

    [Fact]
    public async Task The_reference_page_is_served_without_a_cdn()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        using var page = await client.GetAsync(FunctionsOpenApi.ReferencePath + "/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(FunctionsOpenApi.DocumentPath.TrimStart('/'), html, StringComparison.Ordinal);
        Assert.DoesNotContain("://", html.Replace("http://www.w3.org", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        // The page's script comes from the app itself.
        using var script = await client.GetAsync(FunctionsOpenApi.ReferencePath + "/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private static async Task<WebApplication> StartAsync()
    {
        var app = FunctionsApp.Build([], builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return app;
    }

    private static async Task<JsonNode> FetchAsync()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        using var response = await client.GetAsync(FunctionsOpenApi.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
