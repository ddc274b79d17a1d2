using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static DvServerless.Deployment.Tests.Bicep.CompiledResources;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// Walks the compiled ARM template (every module) and checks the security and availability posture the deployment
/// promises: keyless storage, Key Vault in RBAC mode, no secret in an output or a plain setting, role assignments scoped
/// to single resources, a worker that keeps one replica and drains calls, and the Flex dotnet-isolated runtime with the
/// settings the Event Grid webhook and its postdeploy hook rely on.
/// </summary>
public sealed partial class SecurityPostureTests
{
    // Setting names that hold a secret when they hold anything: these must come from Key Vault.
    private static readonly Regex SecretLikeName = SecretLikeNamePattern();

    // Any ARM list* function (listKeys, listSecrets, listConnectionStrings, …) returns secrets.
    private static readonly Regex ListFunction = ListFunctionPattern();

    private static readonly Regex EnvironmentEntry = EnvironmentEntryPattern();

    [Fact]
    public async Task StorageAllowsNoSharedKeyNoPublicBlobsAndTls12()
    {
        var accounts = OfType(await ResourcesAsync(), "Microsoft.Storage/storageAccounts");

        var account = Assert.Single(accounts);
        Assert.False(account.Properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account.Properties["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account.Properties["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(account.Properties["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public async Task StorageHasTheAppContainersAndTheDeploymentContainer()
    {
        var resources = await ResourcesAsync();
        var containers = OfType(resources, "Microsoft.Storage/storageAccounts/blobServices/containers");
        var storageTemplate = containers[0].Template.ToJsonString(RelaxedJson.Options);

        foreach (var name in new[] { "sessions", "transcripts", "minutes", "voices", "tts-cache", "audit" })
        {
            Assert.Contains($"\"{name}\"", storageTemplate, StringComparison.Ordinal);
        }

        Assert.All(containers, container => Assert.Equal("None", container.Properties["publicAccess"]!.GetValue<string>()));
        var site = Assert.Single(OfType(resources, "Microsoft.Web/sites"));
        var deployment = site.Properties["functionAppConfig"]!["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", deployment["type"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", deployment["authentication"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task RateLimitWindowsExpireInsteadOfPilingUp()
    {
        var policy = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.Storage/storageAccounts/managementPolicies"));
        Assert.Contains("variables('rateLimitRule')", policy.Properties["policy"]!["rules"]!.GetValue<string>(), StringComparison.Ordinal);
        var rule = policy.Variable("rateLimitRule")!;

        Assert.True(rule!["enabled"]!.GetValue<bool>());
        Assert.Equal("ratelimits/", Assert.Single(rule["definition"]!["filters"]!["prefixMatch"]!.AsArray())!.GetValue<string>());
        Assert.Equal(1, rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]!.GetValue<int>());
    }

    [Fact]
    public async Task CommandRepliesExpireAfterADay()
    {
        var policy = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.Storage/storageAccounts/managementPolicies"));
        Assert.Contains("variables('commandReplyRule')", policy.Properties["policy"]!["rules"]!.GetValue<string>(), StringComparison.Ordinal);
        var rule = policy.Variable("commandReplyRule")!;

        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Equal("command-replies/", Assert.Single(rule["definition"]!["filters"]!["prefixMatch"]!.AsArray())!.GetValue<string>());
        Assert.Equal(1, rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheWorkerScalesOutOnActiveCallsOfEveryChannelWithConcurrencyAndCpuAsBackstopsFromOneReplica()
    {
        var resources = await ResourcesAsync();
        var app = Assert.Single(OfType(resources, "Microsoft.App/containerApps"));
        var scale = app.Properties["template"]!["scale"]!;
        var rules = scale["rules"]!.AsArray();

        Assert.Equal(1, app.Resolve(scale["minReplicas"])!.GetValue<int>());
        Assert.True(app.Resolve(scale["maxReplicas"])!.GetValue<int>() > 1);

        // The active-call count KEDA reads: the open-session markers (`open/{callId}` in `sessions`, one per session not
        // yet ended or failed; BlobCallSessionStore), listed one level deep with the worker's own identity. KEDA appends
        // the delimiter to the prefix, so the two together must be the marker prefix exactly.
        var calls = Assert.Single(rules, r => r!["custom"]?["type"]?.GetValue<string>() == "azure-blob")!["custom"]!;
        var metadata = calls["metadata"]!;
        Assert.Equal("sessions", metadata["blobContainerName"]!.GetValue<string>());
        Assert.Equal("open/", metadata["blobPrefix"]!.GetValue<string>() + metadata["blobDelimiter"]!.GetValue<string>());
        Assert.Null(metadata["recursive"]);
        Assert.Null(metadata["connectionFromEnv"]);
        Assert.Equal("[parameters('identityId')]", calls["identity"]!.GetValue<string>());
        Assert.Contains("'worker-identity'", app.PassedParameters!["identityId"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("[parameters('storageAccountName')]", metadata["accountName"]!.GetValue<string>());
        Assert.Equal("[string(parameters('callsPerReplica'))]", metadata["blobCount"]!.GetValue<string>());
        Assert.Equal(50, app.Template["parameters"]!["callsPerReplica"]!["defaultValue"]!.GetValue<int>());

        // The worker's identity may list that container (its blob role on `sessions`).
        var storage = OfType(resources, "Microsoft.Storage/storageAccounts").Single();
        Assert.Contains("sessions", storage.Template["variables"]!["workerContainers"]!.AsArray().Select(c => c!.GetValue<string>()));

        var http = Assert.Single(rules, r => r!["http"] is not null)!;
        Assert.Equal("[string(parameters('callsPerReplica'))]", http["http"]!["metadata"]!["concurrentRequests"]!.GetValue<string>());
        var cpu = Assert.Single(rules, r => r!["custom"]?["type"]?.GetValue<string>() == "cpu")!;
        Assert.Equal("Utilization", cpu["custom"]!["metadata"]!["type"]!.GetValue<string>());
        Assert.Equal("70", cpu["custom"]!["metadata"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenSessionMarkersLeftByADeadProcessExpireAfterADaySoTheScaleRuleStopsCountingThem()
    {
        var policy = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.Storage/storageAccounts/managementPolicies"));
        Assert.Contains("variables('openSessionMarkerRule')", policy.Properties["policy"]!["rules"]!.GetValue<string>(), StringComparison.Ordinal);
        var rule = policy.Variable("openSessionMarkerRule")!;

        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Equal("sessions/open/", Assert.Single(rule["definition"]!["filters"]!["prefixMatch"]!.AsArray())!.GetValue<string>());
        Assert.Equal(1, rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]!.GetValue<int>());
    }

    [Fact]
    public async Task KeyVaultUsesRbacAndHasNoAccessPolicies()
    {
        var vault = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.KeyVault/vaults"));

        Assert.True(vault.Properties["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.Null(vault.Properties["accessPolicies"]);
    }

    [Fact]
    public async Task NoOutputCarriesASecret()
    {
        var compiled = await CompiledTemplate.MainAsync();
        var templates = new List<JsonObject> { compiled.RequireTemplate() };
        templates.AddRange(OfType(await ResourcesAsync(), "Microsoft.Resources/deployments")
            .Select(deployment => deployment.Properties["template"]).OfType<JsonObject>());

        foreach (var template in templates)
        {
            var secureParameters = (template["parameters"] as JsonObject ?? [])
                .Where(parameter => parameter.Value?["type"]?.GetValue<string>() is "securestring" or "secureObject")
                .Select(parameter => parameter.Key)
                .ToList();
            foreach (var (name, output) in template["outputs"] as JsonObject ?? [])
            {
                var value = output?["value"]?.ToJsonString(RelaxedJson.Options) ?? string.Empty;
                Assert.False(ListFunction.IsMatch(value), $"output {name} calls a list* function: {value}");
                Assert.DoesNotContain(secureParameters, secure => value.Contains($"parameters('{secure}')", StringComparison.Ordinal));
                Assert.NotEqual("securestring", output?["type"]?.GetValue<string>());
            }
        }

        // What azd stores in .azure/<env>/.env and hands to hooks: names and URLs only.
        foreach (var (name, _) in compiled.RequireTemplate()["outputs"]!.AsObject())
        {
            Assert.False(SecretLikeName.IsMatch(name), $"top-level output {name} looks like a secret");
        }
    }

    [Fact]
    public async Task FunctionAppSettingsHoldNoPlainSecret()
    {
        var resources = await ResourcesAsync();
        var config = Assert.Single(OfType(resources, "Microsoft.Web/sites/config"));
        var settings = config.Properties;

        Assert.Null(settings["AzureWebJobsStorage"]);  // would be a connection string: host storage uses the identity
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]!.GetValue<string>());
        foreach (var (name, value) in settings)
        {
            var text = value?.ToJsonString(RelaxedJson.Options) ?? string.Empty;
            Assert.False(ListFunction.IsMatch(text), $"app setting {name} calls a list* function");
            Assert.False(ListFunction.IsMatch(config.Resolve(value)?.ToJsonString(RelaxedJson.Options) ?? string.Empty), $"app setting {name} is given a list* value");
            if (SecretLikeName.IsMatch(name) && !IdentityConnectionStrings.Contains(name))
            {
                Assert.True(text.Contains("@Microsoft.KeyVault(", StringComparison.Ordinal), $"app setting {name} must be a Key Vault reference: {text}");
            }
        }

        Assert.Contains("@Microsoft.KeyVault(", settings["MediaWorker__TokenSigningKey"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("@Microsoft.KeyVault(", settings["Tenants__Tokens__SigningKey"]!.GetValue<string>(), StringComparison.Ordinal);
        var site = Assert.Single(OfType(resources, "Microsoft.Web/sites"));
        Assert.NotNull(site.Properties["keyVaultReferenceIdentity"]);
        Assert.Null(site.Properties["siteConfig"]?["appSettings"]);  // every setting is in the checked config resource

        // The App Insights connection string carries only the instrumentation key, which accepts nothing while local
        // auth is disabled: ingestion needs the identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
        var insights = Assert.Single(OfType(resources, "Microsoft.Insights/components"));
        Assert.True(insights.Properties["DisableLocalAuth"]!.GetValue<bool>());
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]!.ToJsonString(RelaxedJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerAppEnvironmentTakesSecretsOnlyFromKeyVault()
    {
        var app = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.App/containerApps"));
        var env = app.Variable("env")?.ToJsonString(RelaxedJson.Options) ?? string.Empty;
        var entries = EnvironmentEntry.Matches(env).Select(match => (Name: match.Groups["name"].Value, Kind: match.Groups["kind"].Value)).ToList();

        Assert.Contains(entries, entry => entry == ("MediaWorker__TokenSigningKey", "secretRef"));
        // The live hub checks the API tokens the Functions app issues: the same Key Vault secret.
        Assert.Contains(entries, entry => entry == ("Tenants__Tokens__SigningKey", "secretRef"));
        Assert.Contains(entries, entry => entry.Name == "Storage__BlobServiceUri");
        Assert.False(ListFunction.IsMatch(env), "a container environment variable calls a list* function");
        foreach (var (name, kind) in entries)
        {
            if (SecretLikeName.IsMatch(name) && !IdentityConnectionStrings.Contains(name))
            {
                Assert.True(kind == "secretRef", $"environment variable {name} must be a secret reference");
            }
        }

        var secrets = app.Variable("secrets")?.ToJsonString(RelaxedJson.Options) ?? string.Empty;
        Assert.Contains("'keyVaultUrl'", secrets, StringComparison.Ordinal);
        Assert.DoesNotContain("'value'", secrets, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryRoleAssignmentIsScopedToOneResource()
    {
        var assignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments");

        Assert.True(assignments.Count >= 6, $"expected the identity's role assignments, found {assignments.Count}");
        foreach (var assignment in assignments)
        {
            Assert.Equal("resourceGroup", assignment.TemplateScope);  // never declared in the subscription-scope template
            var scope = assignment.Body["scope"]?.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(scope), $"role assignment in module {assignment.Module} has no resource scope");
            Assert.Matches("Microsoft\\.[A-Za-z]+/[A-Za-z]+", scope!);
        }
    }

    [Fact]
    public async Task TheIdentityGetsTheLeastPrivilegeRoles()
    {
        var roleIds = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments")
            .Select(RoleDefinitionId)
            .ToHashSet();

        Assert.Contains("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", roleIds);  // Storage Blob Data Owner
        Assert.Contains("974c5e8b-45b9-4653-ba55-5f855dd0fb88", roleIds);  // Storage Queue Data Contributor (the worker's own queues)
        Assert.Contains("c6a89b2d-59bc-44d0-9896-0f6e12d7b80a", roleIds);  // Storage Queue Data Message Sender (the Functions app's commands)
        Assert.Contains("4633458b-17de-408a-b874-0445c86b69e6", roleIds);  // Key Vault Secrets User
        Assert.Contains("420fcaa2-552c-430f-98ca-3264be4806c7", roleIds);  // SignalR App Server (the worker's hub)
        Assert.Contains("fd53cd77-2268-407a-8f46-7e7863d0f521", roleIds);  // SignalR REST API Owner (the Functions app's sends)
        Assert.DoesNotContain("7e4f1700-ea5a-4f59-8f37-079cfe29dce3", roleIds);  // not SignalR Service Owner: more than either app needs
        Assert.Contains("7f951dda-4ed3-4680-a7ca-43fe172d538d", roleIds);  // AcrPull
        Assert.Contains("3913510d-42f4-4e42-8a64-420c390055eb", roleIds);  // Monitoring Metrics Publisher
        Assert.Contains("b24988ac-6180-42a0-ab88-20f7382dd24c", roleIds);  // Contributor, on the ACS resource only
        Assert.DoesNotContain("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roleIds);  // never Owner
    }

    [Fact]
    public async Task TheWorkerKeepsOneReplicaDrainsCallsAndTakesWebSockets()
    {
        var app = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.App/containerApps"));
        var template = app.Properties["template"]!;
        var ingress = app.Properties["configuration"]!["ingress"]!;

        Assert.True(app.Resolve(template["scale"]!["minReplicas"])!.GetValue<int>() >= 1);
        // The grace period is computed from the drain the worker is given (WorkerDrainTests evaluates it).
        Assert.Contains("terminationGraceSeconds(", template["terminationGracePeriodSeconds"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(ingress["external"]!.GetValue<bool>());
        Assert.False(ingress["allowInsecure"]!.GetValue<bool>());
        Assert.Equal("auto", ingress["transport"]!.GetValue<string>());  // HTTP ingress: WebSockets included
        Assert.Equal(8080, app.Resolve(ingress["targetPort"])!.GetValue<int>());
        var probes = app.Variable("probes")!.AsArray();
        Assert.Equal(["Startup", "Liveness", "Readiness"], probes.Select(probe => probe!["type"]!.GetValue<string>()));
        // Liveness on /healthz (a draining worker is alive), readiness on /readyz (503 while draining).
        Assert.Equal(["/healthz", "/healthz", "/readyz"], probes.Select(probe => probe!["httpGet"]!["path"]!.GetValue<string>()));
        Assert.Contains("'azd-service-name', 'mediaworker'", app.Body["tags"]!.ToJsonString(RelaxedJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionsRunOnFlexWithTheDotnetIsolatedRuntime()
    {
        var resources = await ResourcesAsync();
        var plan = Assert.Single(OfType(resources, "Microsoft.Web/serverfarms"));
        var site = Assert.Single(OfType(resources, "Microsoft.Web/sites"));
        var config = site.Properties["functionAppConfig"]!;

        Assert.Equal("FC1", plan.Body["sku"]!["name"]!.GetValue<string>());
        Assert.True(plan.Properties["reserved"]!.GetValue<bool>());
        Assert.Equal("functionapp,linux", site.Body["kind"]!.GetValue<string>());
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]!["version"]!.GetValue<string>());  // Flex refuses '10'
        var alwaysReady = Assert.Single(config["scaleAndConcurrency"]!["alwaysReady"]!.AsArray());
        Assert.Equal("http", alwaysReady!["name"]!.GetValue<string>());
        Assert.True(site.Resolve(alwaysReady["instanceCount"])!.GetValue<int>() >= 1);
        Assert.True(site.Properties["httpsOnly"]!.GetValue<bool>());
        Assert.Contains("'azd-service-name', 'functions'", site.Body["tags"]!.ToJsonString(RelaxedJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionsHaveNoneOfTheSettingsFlexDeprecates()
    {
        // Flex takes the runtime and the package from functionAppConfig; these settings are rejected or ignored there,
        // and a time zone is not supported (timer schedules are UTC).
        var settings = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.Web/sites/config")).Properties;
        string[] deprecated = ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION",
            "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_TIME_ZONE", "TZ"];

        Assert.NotEmpty(settings);
        Assert.All(deprecated, name => Assert.False(settings.ContainsKey(name), $"app setting {name} is not used on Flex Consumption"));
        Assert.DoesNotContain(settings, setting => setting.Key.StartsWith("WEBSITE_CONTENT", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TheWebhookExpectsTheSubscriptionNameThePostdeployHookGivesIt()
    {
        var settings = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.Web/sites/config")).Properties;
        var root = DvServerless.Testing.RepositoryPaths.RequireRoot();
        var shell = ShellSubscriptionName().Match(File.ReadAllText(Path.Combine(root, "scripts", "azd", "postdeploy.sh")));
        var powerShell = PowerShellSubscriptionName().Match(File.ReadAllText(Path.Combine(root, "scripts", "azd", "postdeploy.ps1")));

        Assert.True(shell.Success, "postdeploy.sh sets no subscription_name");
        Assert.True(powerShell.Success, "postdeploy.ps1 sets no $subscriptionName");
        Assert.Equal(shell.Groups["name"].Value, powerShell.Groups["name"].Value);
        // Set, so the app refuses Event Grid POSTs from any other subscription (header aeg-subscription-name).
        Assert.Equal(shell.Groups["name"].Value, settings["EventGrid__SubscriptionName"]?.GetValue<string>());
    }

    [Fact]
    public async Task NoFunctionKeyIsKeptInSettingsOrKeyVault()
    {
        // The only function key is the webhook's, held by Azure and Event Grid; callback URIs carry no key.
        var resources = await ResourcesAsync();
        var settings = Assert.Single(OfType(resources, "Microsoft.Web/sites/config")).Properties;
        var secretNames = OfType(resources, "Microsoft.KeyVault/vaults/secrets")
            .Select(secret => secret.Body["name"]!.ToJsonString(RelaxedJson.Options))
            .ToList();

        Assert.NotEmpty(secretNames);
        Assert.False(settings.ContainsKey("Functions__CallbackKey"));
        Assert.DoesNotContain(settings, setting => setting.Value?.ToJsonString(RelaxedJson.Options).Contains("callback-key", StringComparison.OrdinalIgnoreCase) == true);
        Assert.DoesNotContain(secretNames, name => name.Contains("callback-key", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SignalRRunsInDefaultModeWithKeysOffAndBothAppsNameItWithTheirIdentity()
    {
        var resources = await ResourcesAsync();
        var signalR = Assert.Single(OfType(resources, "Microsoft.SignalRService/signalR"));
        var features = signalR.Properties["features"]!.AsArray();
        Assert.Contains(features, feature => feature!["flag"]!.GetValue<string>() == "ServiceMode" && feature["value"]!.GetValue<string>() == "Default");
        Assert.True(signalR.Properties["disableLocalAuth"]!.GetValue<bool>());

        // The one setting both apps read, in the SDK's format, by managed identity: an endpoint and a client id, no key.
        var settings = Assert.Single(OfType(resources, "Microsoft.Web/sites/config")).Properties;
        var functions = settings["Azure__SignalR__ConnectionString"]!.ToJsonString(RelaxedJson.Options);
        var app = Assert.Single(OfType(resources, "Microsoft.App/containerApps"));
        var env = app.Variable("env")!.ToJsonString(RelaxedJson.Options);
        var worker = Regex.Match(env, @"createObject\('name', 'Azure__SignalR__ConnectionString', 'value', (?<value>.+?)\)(, createObject|\))").Groups["value"].Value;
        foreach (var connectionString in new[] { functions, worker })
        {
            Assert.Contains("AuthType=azure.msi;ClientId=", connectionString, StringComparison.Ordinal);
            Assert.Contains(";Version=1.0;", connectionString, StringComparison.Ordinal);
            Assert.DoesNotContain("AccessKey", connectionString, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(settings, setting => setting.Key == "SignalR__Endpoint");
        Assert.DoesNotContain("SignalR__Endpoint", env, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWorkersInternalPortIsMappedOnlyInsideTheEnvironment()
    {
        var app = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.App/containerApps"));
        var ingress = app.Properties["configuration"]!["ingress"]!;
        var mapping = Assert.Single(ingress["additionalPortMappings"]!.AsArray());

        Assert.False(mapping!["external"]!.GetValue<bool>());
        Assert.Equal(9090, app.Resolve(mapping["targetPort"])!.GetValue<int>());
        Assert.Equal(9090, app.Resolve(mapping["exposedPort"])!.GetValue<int>());
        var env = app.Variable("env")!.ToJsonString(RelaxedJson.Options);
        Assert.Matches(@"'MediaWorker__InternalUrls', 'value', format\('http://\+:\{0\}', parameters\('internalPort'\)\)", env);
    }

    // Connection strings that name a service and a managed identity, with no key: plain values by design.
    private static readonly HashSet<string> IdentityConnectionStrings = ["APPLICATIONINSIGHTS_CONNECTION_STRING", "Azure__SignalR__ConnectionString"];

    [GeneratedRegex("(?i)(password|secret|connectionstring|apikey|accesskey|signingkey|callbackkey|_key$)", RegexOptions.CultureInvariant)]
    private static partial Regex SecretLikeNamePattern();

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.CultureInvariant)]
    private static partial Regex ListFunctionPattern();

    [GeneratedRegex(@"^subscription_name=(?<name>[A-Za-z0-9-]+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ShellSubscriptionName();

    [GeneratedRegex(@"^\$subscriptionName = '(?<name>[A-Za-z0-9-]+)'", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PowerShellSubscriptionName();

    [GeneratedRegex(@"createObject\('name', '(?<name>[^']+)', '(?<kind>value|secretRef)'", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentEntryPattern();
}
