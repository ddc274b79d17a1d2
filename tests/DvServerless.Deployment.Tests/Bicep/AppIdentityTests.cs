using System.Text.Json.Nodes;
using static DvServerless.Deployment.Tests.Bicep.CompiledResources;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// Each app runs as its own managed identity with only the rights it uses: the worker cannot read the Functions host
/// storage (host keys live there), cannot read the SIP webhook secret, and touches only the blob containers it writes
/// calls into. Checked on the compiled template, so a module edit that widens a grant fails here.
/// </summary>
public sealed class AppIdentityTests
{
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string QueueDataMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";

    // The module deployment ('functions-identity' / 'worker-identity') a passed parameter value comes from.
    private static string IdentityModuleOf(JsonNode? passed) =>
        passed?["value"]?.GetValue<string>() switch
        {
            { } text when text.Contains("'functions-identity'", StringComparison.Ordinal) => "functions",
            { } text when text.Contains("'worker-identity'", StringComparison.Ordinal) => "worker",
            var other => $"unknown: {other}",
        };

    private static string PrincipalParameter(ArmResource assignment) =>
        assignment.Body["properties"]!["principalId"]!.GetValue<string>();

    [Fact]
    public async Task TheFunctionsAppAndTheWorkerRunAsDifferentIdentities()
    {
        var resources = await ResourcesAsync();
        var identities = OfType(resources, "Microsoft.ManagedIdentity/userAssignedIdentities");
        var site = Assert.Single(OfType(resources, "Microsoft.Web/sites"));
        var worker = Assert.Single(OfType(resources, "Microsoft.App/containerApps"));

        Assert.Equal(2, identities.Count);
        Assert.Equal("functions", IdentityModuleOf(site.PassedParameters!["identityId"]));
        Assert.Equal("functions", IdentityModuleOf(site.PassedParameters!["identityClientId"]));
        Assert.Equal("worker", IdentityModuleOf(worker.PassedParameters!["identityId"]));
        Assert.Equal("worker", IdentityModuleOf(worker.PassedParameters!["identityClientId"]));
    }

    [Fact]
    public async Task TheWorkerWritesOnlyItsOwnContainersAndNeverTheHostStorage()
    {
        var storageAssignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.Module == "storage")
            .ToList();
        var storage = storageAssignments[0];
        Assert.Equal("worker", IdentityModuleOf(storage.PassedParameters!["workerPrincipalId"]));
        Assert.Equal("functions", IdentityModuleOf(storage.PassedParameters!["functionsPrincipalId"]));

        var workers = storageAssignments.Where(a => PrincipalParameter(a) == "[parameters('workerPrincipalId')]").ToList();
        Assert.Equal(2, workers.Count);
        var worker = Assert.Single(workers, a => RoleDefinitionId(a) == BlobDataContributor);  // one declaration, copied per container
        Assert.Contains("blobServices/containers", worker.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("variables('workerContainers')", worker.Body["copy"]!["count"]!.GetValue<string>(), StringComparison.Ordinal);
        var containers = worker.Variable("workerContainers")!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(["sessions", "transcripts", "minutes", "tts-cache", "command-replies"], containers);

        var functions = storageAssignments.Where(a => PrincipalParameter(a) == "[parameters('functionsPrincipalId')]").ToList();
        Assert.Equal(2, functions.Count);
        var functionsBlobs = Assert.Single(functions, a => RoleDefinitionId(a) == BlobDataOwner);
        Assert.DoesNotContain("containers", functionsBlobs.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachReplicaOwnsItsCommandQueueAndTheFunctionsAppMayOnlySendToIt()
    {
        var storageAssignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.Module == "storage")
            .ToList();

        // Replicas create, read and delete their own queues (made at run time, so the grant is on the account).
        var worker = Assert.Single(storageAssignments, a => RoleDefinitionId(a) == QueueDataContributor);
        Assert.Equal("[parameters('workerPrincipalId')]", PrincipalParameter(worker));
        // The Functions app puts commands on them and can neither read nor delete anything there.
        var functions = Assert.Single(storageAssignments, a => RoleDefinitionId(a) == QueueDataMessageSender);
        Assert.Equal("[parameters('functionsPrincipalId')]", PrincipalParameter(functions));
        Assert.DoesNotContain(storageAssignments, a => PrincipalParameter(a) == "[parameters('functionsPrincipalId')]" && RoleDefinitionId(a) == QueueDataContributor);
        Assert.Equal("functions", IdentityModuleOf(functions.PassedParameters!["functionsPrincipalId"]));
        Assert.Equal("worker", IdentityModuleOf(worker.PassedParameters!["workerPrincipalId"]));
    }

    [Fact]
    public async Task TheWorkerReadsTheSigningKeysButNotTheWebhookSecret()
    {
        var vaultAssignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.Module == "keyvault")
            .ToList();

        var workers = vaultAssignments.Where(a => PrincipalParameter(a) == "[parameters('workerPrincipalId')]").ToList();
        Assert.Equal(3, workers.Count);
        var scopes = workers.Select(a => a.Body["scope"]!.GetValue<string>()).ToList();
        Assert.All(scopes, scope => Assert.Contains("Microsoft.KeyVault/vaults/secrets", scope, StringComparison.Ordinal));
        Assert.Contains(scopes, scope => scope.Contains("media-token-signing-key", StringComparison.Ordinal));
        Assert.Contains(scopes, scope => scope.Contains("api-token-signing-key", StringComparison.Ordinal));
        Assert.Contains(scopes, scope => scope.Contains("openai-api-key", StringComparison.Ordinal));
        Assert.DoesNotContain(scopes, scope => scope.Contains("webhook", StringComparison.Ordinal));
        Assert.Single(vaultAssignments, a => PrincipalParameter(a) == "[parameters('functionsPrincipalId')]");
    }

    [Fact]
    public async Task OnlyTheWorkerPullsImagesAndHostsTheHub()
    {
        var assignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments");
        var registry = Assert.Single(assignments, a => a.Module == "registry");
        Assert.Equal("worker", IdentityModuleOf(registry.PassedParameters!["identityPrincipalId"]));
        var signalR = assignments.First(a => a.Module == "signalr");
        Assert.Equal("worker", IdentityModuleOf(signalR.PassedParameters!["appServerPrincipalId"]));
        Assert.Equal("functions", IdentityModuleOf(signalR.PassedParameters!["restApiPrincipalId"]));
    }

    [Fact]
    public async Task SessionsTranscriptsMinutesAndAuditExpireAfterTheirRetentionDays()
    {
        var policy = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.Storage/storageAccounts/managementPolicies"));
        var retention = policy.Variable("retention")!.AsArray();
        // The storage module takes each from a parameter of the main template, which azd fills or leaves at its default.
        var days = retention.ToDictionary(
            item => item!["container"]!.GetValue<string>(),
            item => policy.Resolve(item!["days"])!.GetValue<int>());

        Assert.Equal(new Dictionary<string, int> { ["sessions"] = 90, ["transcripts"] = 90, ["minutes"] = 365, ["audit"] = 365 }, days);
        // The rules are built from that list (0 days = keep forever, no rule) and added to the rate-limit rule.
        var rules = policy.Properties["policy"]!["rules"]!.GetValue<string>();
        Assert.Contains("variables('retentionRules')", rules, StringComparison.Ordinal);
        var copy = policy.Template["variables"]!["copy"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "retentionRules")!;
        Assert.Contains("greater(lambdaVariables('item').days, 0)", copy["count"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("daysAfterModificationGreaterThan", copy["input"]!.ToJsonString(), StringComparison.Ordinal);
    }
}
