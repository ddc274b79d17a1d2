using System.Text.Json;
using DvServerless.Functions.Hosting;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Hosting;

public sealed class HostJsonTests
{
    private static JsonElement HostJson =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.RequireRoot(), "src", "DvServerless.Functions", "host.json"))).RootElement;

    [Fact]
    public void Host_json_is_for_an_isolated_worker_not_a_custom_handler()
    {
        var root = HostJson;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.False(root.TryGetProperty("customHandler", out _));
        // Only HTTP and timer triggers, whose worker extensions ship in the app: no bundle to download.
        Assert.False(root.TryGetProperty("extensionBundle", out _));
    }

    [Fact]
    public void The_route_prefix_matches_the_route_table()
    {
        var prefix = HostJson.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var value) ? value.GetString() : "api";

        Assert.Equal(FunctionRouteTable.Prefix, prefix);
    }

    [Fact]
    public void Host_json_is_in_the_build_output()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "host.json")), "host.json is not in the build output.");
    }
}
