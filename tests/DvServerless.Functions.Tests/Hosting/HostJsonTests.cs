using System.Text.Json;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Hosting;

public sealed class HostJsonTests
{
    private static JsonElement HostJson => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.RequireRoot(), "host.json"))).RootElement;

    [Fact]
    public void Host_json_runs_the_app_as_a_custom_handler_with_forwarded_http()
    {
        var root = HostJson;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        var handler = root.GetProperty("customHandler");
        Assert.Equal("DvServerless.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.True(handler.GetProperty("enableProxyingHttpRequest").GetBoolean());
    }

    [Fact]
    public void Host_json_has_nothing_that_conflicts_with_function_json()
    {
        var root = HostJson;

        // http.routes and configuration profiles cannot coexist with function.json; no bundle while only http and timer are used.
        Assert.False(root.GetProperty("customHandler").TryGetProperty("http", out _));
        Assert.False(root.TryGetProperty("configurationProfile", out _));
        Assert.False(root.TryGetProperty("extensionBundle", out _));
    }

    [Fact]
    public void The_route_prefix_matches_the_app()
    {
        var prefix = HostJson.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var value) ? value.GetString() : "api";

        Assert.Equal(FunctionRoutes.Prefix, prefix);
    }
}
