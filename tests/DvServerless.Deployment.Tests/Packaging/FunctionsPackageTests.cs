using System.Text.Json;

namespace DvServerless.Deployment.Tests.Packaging;

/// <summary>
/// The Functions package has the layout the Flex custom handler needs (HOSTING.md §2.4, §9): the self-contained
/// executable at the root with its exec bit, host.json pointing at it, and one folder per function with a
/// function.json that the host can forward (pure httpTrigger + http) or invoke (timer).
/// </summary>
public sealed class FunctionsPackageTests(FunctionsPackageFixture fixture) : IClassFixture<FunctionsPackageFixture>
{
    private static readonly HashSet<string> HttpMethods = ["get", "post", "put", "delete", "patch", "head", "options"];

    [Fact]
    public void TheExecutableIsAtTheRootWithItsExecBit()
    {
        var executable = Path.Combine(fixture.RequirePackage(), "DvServerless.Functions");

        Assert.True(File.Exists(executable));
        var mode = File.GetUnixFileMode(executable);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, mode);
        // Self-contained: the host starts it directly, with no dotnet on the instance.
        Assert.True(File.Exists(Path.Combine(fixture.PackageDirectory, "libhostfxr.so")));
        Assert.False(File.Exists(Path.Combine(fixture.PackageDirectory, "local.settings.json")));
    }

    [Fact]
    public void TheRuntimeKeepsAThreadPoolFloorSoTimersAreNotStarvedOnSmallInstances()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.RequirePackage(), "DvServerless.Functions.runtimeconfig.json")));

        Assert.True(config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.Threading.ThreadPool.MinThreads").GetInt32() >= 16);
    }

    [Fact]
    public void HostJsonStartsTheExecutableAsACustomHandler()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.RequirePackage(), "host.json")));
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        var handler = root.GetProperty("customHandler");
        Assert.Equal("DvServerless.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.False(handler.TryGetProperty("http", out _));  // http.routes cannot coexist with function.json files
    }

    [Fact]
    public void EveryFunctionJsonIsAForwardableHttpFunctionOrATimer()
    {
        var definitions = Directory.GetDirectories(fixture.RequirePackage())
            .Select(directory => Path.Combine(directory, "function.json"))
            .Where(File.Exists)
            .ToList();

        Assert.NotEmpty(definitions);
        foreach (var definition in definitions)
        {
            var name = Path.GetFileName(Path.GetDirectoryName(definition))!;
            using var document = JsonDocument.Parse(File.ReadAllText(definition));
            var bindings = document.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = bindings.Single(binding => binding.GetProperty("direction").GetString() == "in");
            switch (trigger.GetProperty("type").GetString())
            {
                case "httpTrigger":
                    // Exactly httpTrigger in + http out, or the host stops forwarding (HOSTING.md §1.2).
                    Assert.Equal(2, bindings.Count);
                    Assert.Contains(bindings, binding => binding.GetProperty("type").GetString() == "http"
                        && binding.GetProperty("direction").GetString() == "out");
                    Assert.Contains(trigger.GetProperty("authLevel").GetString(), new[] { "function", "anonymous" });
                    var route = trigger.GetProperty("route").GetString()!;
                    Assert.False(string.IsNullOrWhiteSpace(route), $"{name} has no route");
                    Assert.False(route.StartsWith('/') || route.StartsWith("api/", StringComparison.Ordinal), $"{name}: route {route} must be relative to the api prefix");
                    var methods = trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!.ToLowerInvariant()).ToList();
                    Assert.NotEmpty(methods);
                    Assert.All(methods, method => Assert.Contains(method, HttpMethods));
                    break;
                case "timerTrigger":
                    Assert.Single(bindings);
                    Assert.False(string.IsNullOrWhiteSpace(trigger.GetProperty("schedule").GetString()), $"{name} has no schedule");
                    break;
                default:
                    Assert.Fail($"{name}: trigger {trigger.GetProperty("type")} needs an extension bundle, which the app does not use");
                    break;
            }
        }
    }

    [Fact]
    public void IncomingCallIsThePostRouteThePostdeployHookSubscribes()
    {
        var path = Path.Combine(fixture.RequirePackage(), "IncomingCall", "function.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var trigger = document.RootElement.GetProperty("bindings").EnumerateArray()
            .Single(binding => binding.GetProperty("type").GetString() == "httpTrigger");

        Assert.Equal("acs/incoming-call", trigger.GetProperty("route").GetString());
        Assert.Contains("post", trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!.ToLowerInvariant()));
        Assert.Equal("function", trigger.GetProperty("authLevel").GetString());  // the hook registers the URL with ?code=
    }

    [Fact]
    public async Task EverySettingAFunctionJsonNamesIsSetByTheInfrastructure()
    {
        // A %Name% the host cannot resolve keeps the function from loading (e.g. the timer's schedule).
        var compiled = await DvServerless.Deployment.Tests.Bicep.CompiledTemplate.MainAsync();
        var settings = DvServerless.Deployment.Tests.Bicep.ArmResource.Walk(compiled.RequireTemplate())
            .Single(resource => resource.Type == "Microsoft.Web/sites/config").Properties;
        var referenced = Directory.GetDirectories(fixture.RequirePackage())
            .Select(directory => Path.Combine(directory, "function.json"))
            .Where(File.Exists)
            .SelectMany(path => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(path), "%(?<name>[A-Za-z0-9_]+)%"))
            .Select(match => match.Groups["name"].Value)
            .Distinct();

        Assert.All(referenced, name => Assert.True(settings.ContainsKey(name), $"function.json uses %{name}% but the app settings do not set it"));
    }
}
