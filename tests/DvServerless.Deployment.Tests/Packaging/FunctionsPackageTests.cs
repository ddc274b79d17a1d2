using System.Text.Json;
using System.Text.RegularExpressions;
using DvServerless.Deployment.Tests.Bicep;
using DvServerless.Testing;

namespace DvServerless.Deployment.Tests.Packaging;

/// <summary>
/// The Functions package azd deploys has what the Flex <c>dotnet-isolated</c> runtime reads (ISOLATED-WORKER.md §3,
/// §5): <c>worker.config.json</c> starting <c>dotnet DvServerless.Functions.dll</c>, <c>functions.metadata</c> listing
/// every function, <c>host.json</c> without the custom-handler section, <c>extensions.json</c> with what it names, and
/// nothing of the custom-handler layout. Cross-checked against the source, the Bicep and the postdeploy hook.
/// </summary>
public sealed partial class FunctionsPackageTests(FunctionsPackageFixture fixture) : IClassFixture<FunctionsPackageFixture>
{
    private const string AppDll = "DvServerless.Functions.dll";

    private static readonly HashSet<string> HttpMethods = ["get", "post", "put", "delete", "patch", "head", "options"];

    private string PackagePath(string name) => Path.Combine(fixture.RequirePackage(), name);

    private JsonDocument Json(string name) => JsonDocument.Parse(File.ReadAllText(PackagePath(name)));

    private List<JsonElement> Functions()
    {
        using var metadata = Json("functions.metadata");
        return metadata.RootElement.EnumerateArray().Select(function => function.Clone()).ToList();
    }

    private static JsonElement Trigger(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(binding => binding.GetProperty("direction").GetString() == "In");

    private static JsonElement Named(IEnumerable<JsonElement> functions, string name) =>
        Assert.Single(functions, function => function.GetProperty("name").GetString() == name);

    private static async Task<FunctionsInfrastructure> InfrastructureAsync()
    {
        var compiled = await CompiledTemplate.MainAsync();
        var resources = ArmResource.Walk(compiled.RequireTemplate());
        return new FunctionsInfrastructure(
            resources.Single(resource => resource.Type == "Microsoft.Web/sites/config").Properties.Select(setting => setting.Key).ToHashSet(),
            resources.Single(resource => resource.Type == "Microsoft.Web/sites").Properties["functionAppConfig"]!["runtime"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public void WorkerConfigStartsTheFrameworkDependentAppWithDotnet()
    {
        using var workerConfig = Json("worker.config.json");
        var description = workerConfig.RootElement.GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal(AppDll, description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(PackagePath(AppDll)));
        // Framework-dependent, as the Flex runtime expects: the host runs `dotnet <dll>`, no runtime is bundled.
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.False(File.Exists(PackagePath("libhostfxr.so")), "the publish is self-contained; azd publishes without -r");
        Assert.False(File.Exists(PackagePath("libcoreclr.so")), "the publish is self-contained; azd publishes without -r");
    }

    [Fact]
    public async Task TheAppTargetsTheDotnetVersionTheFlexRuntimeRuns()
    {
        using var config = Json("DvServerless.Functions.runtimeconfig.json");
        var frameworks = config.RootElement.GetProperty("runtimeOptions").GetProperty("frameworks").EnumerateArray()
            .ToDictionary(framework => framework.GetProperty("name").GetString()!, framework => Version.Parse(framework.GetProperty("version").GetString()!));
        var runtime = Version.Parse((await InfrastructureAsync()).RuntimeVersion);

        Assert.Equal(runtime, new Version(frameworks["Microsoft.NETCore.App"].Major, frameworks["Microsoft.NETCore.App"].Minor));
        Assert.True(frameworks.ContainsKey("Microsoft.AspNetCore.App"), "the ASP.NET Core integration needs the shared framework");
    }

    [Fact]
    public void TheRuntimeRunsWithTheDefaultThreadPool_NoFloorHidesABlockedPoolThread()
    {
        using var config = Json("DvServerless.Functions.runtimeconfig.json");

        var properties = config.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var p) ? p : default;
        Assert.False(properties.ValueKind == System.Text.Json.JsonValueKind.Object && properties.TryGetProperty("System.Threading.ThreadPool.MinThreads", out _));
    }

    [Fact]
    public void HostJsonIsForTheIsolatedWorkerNotACustomHandler()
    {
        using var host = Json("host.json");
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.False(root.TryGetProperty("customHandler", out _));
        Assert.False(root.TryGetProperty("httpWorker", out _));  // the custom handler's older name
        // HTTP and timer triggers are built into the host; a bundle would only slow the cold start.
        Assert.False(root.TryGetProperty("extensionBundle", out _));
    }

    [Fact]
    public void NothingOfTheCustomHandlerLayoutOrTheLocalSettingsIsPublished()
    {
        var package = fixture.RequirePackage();

        Assert.Empty(Directory.GetFiles(package, "function.json", SearchOption.AllDirectories));
        Assert.False(File.Exists(PackagePath("local.settings.json")));
    }

    [Fact]
    public void ExtensionsJsonNamesOnlyAssembliesThatArePublished()
    {
        using var extensions = Json("extensions.json");
        var entries = extensions.RootElement.GetProperty("extensions").EnumerateArray().ToList();

        Assert.NotEmpty(entries);  // at least the loader that reads functions.metadata
        Assert.All(entries, entry =>
        {
            var hintPath = entry.GetProperty("hintPath").GetString()!;
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(fixture.PackageDirectory, hintPath))), $"extensions.json names {hintPath}, which is not in the package");
        });
    }

    [Fact]
    public void AppSettingsJsonConfiguresNoKestrelEndpoints()
    {
        // Under the Functions host the worker's Kestrel must listen where the worker reports; configured endpoints would
        // move it and the host's proxy would be refused (ISOLATED-WORKER.md §7.2).
        using var settings = Json("appsettings.json");

        Assert.False(settings.RootElement.TryGetProperty("Kestrel", out _));
    }

    [Fact]
    public void FunctionsMetadataListsEveryFunctionOfTheSource()
    {
        var root = RepositoryPaths.RequireRoot();
        var sources = Directory.GetFiles(Path.Combine(root, "src", "DvServerless.Functions"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText)
            .ToList();
        var attributes = sources.Sum(source => FunctionAttributeStart().Count(source));
        var declared = sources.SelectMany(source => FunctionAttribute().Matches(source)).Select(match => match.Groups["name"].Value).ToList();
        var published = Functions().Select(function => function.GetProperty("name").GetString()!).ToList();

        Assert.Equal(attributes, declared.Count);  // every [Function] has a literal name this test can read
        Assert.NotEmpty(declared);
        Assert.Equal(declared.Order(StringComparer.Ordinal), published.Order(StringComparer.Ordinal));
        Assert.All(Functions(), function => Assert.Equal(AppDll, function.GetProperty("scriptFile").GetString()));
    }

    [Fact]
    public void EveryFunctionIsAnHttpFunctionATimerOrTheCallActionQueueTrigger()
    {
        foreach (var function in Functions())
        {
            var name = function.GetProperty("name").GetString();
            var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = Trigger(function);
            switch (trigger.GetProperty("type").GetString())
            {
                case "httpTrigger":
                    Assert.Equal(2, bindings.Count);
                    Assert.Contains(bindings, binding => binding.GetProperty("type").GetString() == "http" && binding.GetProperty("direction").GetString() == "Out");
                    var route = trigger.GetProperty("route").GetString()!;
                    Assert.False(string.IsNullOrWhiteSpace(route), $"{name} has no route");
                    Assert.False(route.StartsWith('/') || route.StartsWith("api/", StringComparison.Ordinal), $"{name}: route {route} must be relative to the api prefix");
                    var methods = trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!).ToList();
                    Assert.NotEmpty(methods);
                    Assert.All(methods, method => Assert.Contains(method, HttpMethods));
                    break;
                case "timerTrigger":
                    Assert.Single(bindings);
                    break;
                case "queueTrigger":
                    // Needs the Storage Queues WebJobs extension, which the package ships (QueueTriggerReadsTheCallActionQueue...).
                    Assert.Single(bindings);
                    Assert.Equal("CallAction", name);
                    break;
                default:
                    Assert.Fail($"{name}: trigger {trigger.GetProperty("type")} needs a WebJobs extension the package does not ship");
                    break;
            }
        }
    }

    [Fact]
    public void IncomingCallIsTheOnlyKeyedFunctionAndTheUrlThePostdeployHookSubscribes()
    {
        var functions = Functions();
        var trigger = Trigger(Named(functions, "IncomingCall"));
        using var host = Json("host.json");
        var prefix = host.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var routePrefix) ? routePrefix.GetString() : "api";
        var hook = HookEndpoint().Match(File.ReadAllText(Path.Combine(RepositoryPaths.RequireRoot(), "scripts", "azd", "postdeploy.sh")));

        // The hook creates a key for this function only; another function behind a key would be unreachable.
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.Contains("post", trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()));
        Assert.All(functions.Where(function => function.GetProperty("name").GetString() != "IncomingCall")
                .Select(Trigger).Where(binding => binding.GetProperty("type").GetString() == "httpTrigger"),
            binding => Assert.Equal("Anonymous", binding.GetProperty("authLevel").GetString()));
        Assert.True(hook.Success, "postdeploy.sh builds no ?code= endpoint");
        Assert.Equal($"/{prefix}/{trigger.GetProperty("route").GetString()}", hook.Groups["path"].Value);
    }

    [Fact]
    public void TheCallActionQueueTriggerReadsPlainTextFromTheQueueTheWorkerSendsToWithItsExtensionShipped()
    {
        var trigger = Trigger(Named(Functions(), "CallAction"));
        using var host = Json("host.json");
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        using var extensions = Json("extensions.json");
        var callActions = Regex.Match(File.ReadAllText(Path.Combine(RepositoryPaths.RequireRoot(), "src", "DvServerless.Adapters", "CallActions", "CallActionQueueDefaults.cs")),
            @"public const string Name = ""(?<name>[^""]+)"";").Groups["name"].Value;

        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(callActions, trigger.GetProperty("queueName").GetString());
        // The default connection (AzureWebJobsStorage__queueServiceUri with the identity, set by the Bicep).
        Assert.False(trigger.TryGetProperty("connection", out var connection) && !string.IsNullOrEmpty(connection.GetString()));
        // The worker sends plain JSON (QueueClient's default), not the extension's default base64.
        Assert.Equal("none", queues.GetProperty("messageEncoding").GetString());
        // A hang-up waits at most this long on an idle queue.
        Assert.True(TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(2));
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Contains(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "AzureStorageQueues");
    }

    [Fact]
    public void TheTimerTakesItsScheduleFromTheAppSetting()
    {
        var trigger = Trigger(Named(Functions(), "TtsCacheWarmup"));

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%TtsWarmup__Schedule%", trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public async Task EverySettingFunctionsMetadataNamesIsSetByTheInfrastructure()
    {
        // A %Name% the host cannot resolve keeps the function from loading (e.g. the timer's schedule).
        var settings = (await InfrastructureAsync()).AppSettingNames;
        var referenced = SettingReference().Matches(File.ReadAllText(PackagePath("functions.metadata")))
            .Select(match => match.Groups["name"].Value)
            .Distinct()
            .ToList();

        Assert.NotEmpty(referenced);
        Assert.All(referenced, name => Assert.True(settings.Contains(name), $"functions.metadata uses %{name}% but the app settings do not set it"));
    }

    [GeneratedRegex(@"\[Function\(", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionAttributeStart();

    [GeneratedRegex(@"\[Function\(""(?<name>[^""]+)""\)", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex("%(?<name>[A-Za-z0-9_]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex SettingReference();

    [GeneratedRegex(@"\$\{FUNCTIONS_APP_URL%/\}(?<path>/[^?""]+)\?code=", RegexOptions.CultureInvariant)]
    private static partial Regex HookEndpoint();

    // What infra/main.bicep gives the Functions app: its app setting names and the Flex runtime version.
    private sealed record FunctionsInfrastructure(HashSet<string> AppSettingNames, string RuntimeVersion);
}
