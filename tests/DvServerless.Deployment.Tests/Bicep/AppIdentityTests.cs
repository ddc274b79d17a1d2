using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static DvServerless.Deployment.Tests.Bicep.CompiledResources;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// Each app runs as its own managed identity with only the rights it uses: the worker cannot read the Functions host
/// storage (host keys live there), cannot read the SIP webhook secret, touches only the blob containers it writes
/// calls into, and holds no ACS role or setting (every ACS role can list its access keys; the worker asks the Functions
/// app on dvs-call-actions instead). Checked on the compiled template, so a module edit that widens a grant fails here.
/// </summary>
public sealed partial class AppIdentityTests
{
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string QueueDataMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";
    private const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";

    // Built-in roles that reach queue messages (data actions), and roles that reach the whole account or its keys.
    private static readonly HashSet<string> QueueDataRoles =
    [
        QueueDataContributor,
        "19e7f393-937e-4f77-808e-94535e297925",  // Storage Queue Data Reader
        "8a0f0c08-91a1-4084-bc3d-661d67233fed",  // Storage Queue Data Message Processor
        QueueDataMessageSender,
    ];

    private static readonly HashSet<string> AccountWideRoles =
    [
        Contributor,
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",  // Owner
        "17d1049b-9a84-46fb-8f53-869881c3d3ab",  // Storage Account Contributor (listKeys)
        "81a9662b-bebf-436f-a333-f67b29880f12",  // Storage Account Key Operator Service Role
    ];

    // Every message data action Storage Queue Data Contributor holds, and the one Message Sender adds.
    private static readonly string[] QueueMessageActions =
    [
        "Microsoft.Storage/storageAccounts/queueServices/queues/messages/read",
        "Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action",
        "Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action",
        "Microsoft.Storage/storageAccounts/queueServices/queues/messages/write",
        "Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete",
    ];

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
        Assert.Equal(3, workers.Count);  // its containers, its command queues, sending call actions
        var worker = Assert.Single(workers, a => RoleDefinitionId(a) == BlobDataContributor);  // one declaration, copied per container
        Assert.Contains("blobServices/containers", worker.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("variables('workerContainers')", worker.Body["copy"]!["count"]!.GetValue<string>(), StringComparison.Ordinal);
        var containers = worker.Variable("workerContainers")!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(["sessions", "transcripts", "minutes", "tts-cache", "command-replies"], containers);

        var functions = storageAssignments.Where(a => PrincipalParameter(a) == "[parameters('functionsPrincipalId')]").ToList();
        Assert.Equal(3, functions.Count);  // the account's blobs, sending commands, taking call actions
        var functionsBlobs = Assert.Single(functions, a => RoleDefinitionId(a) == BlobDataOwner);
        Assert.DoesNotContain("containers", functionsBlobs.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachReplicaOwnsItsCommandQueueAndTheFunctionsAppMayOnlySendToIt()
    {
        var storageAssignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.Module == "storage")
            .ToList();

        // Replicas create, read and delete their own queues (made at run time, so the grant is on the account, with a
        // condition on the queue name: QueueRolesReachOnlyTheDvsQueues).
        var worker = Assert.Single(storageAssignments, a => RoleDefinitionId(a) == QueueDataContributor && ConditionOf(a) == CommandQueues);
        Assert.Equal("[parameters('workerPrincipalId')]", PrincipalParameter(worker));
        // The Functions app puts commands on them and can neither read nor delete anything there.
        var functions = Assert.Single(storageAssignments, a => RoleDefinitionId(a) == QueueDataMessageSender && ConditionOf(a) == CommandQueues);
        Assert.Equal("[parameters('functionsPrincipalId')]", PrincipalParameter(functions));
        Assert.DoesNotContain(storageAssignments, a => PrincipalParameter(a) == "[parameters('functionsPrincipalId')]" && RoleDefinitionId(a) == QueueDataContributor
            && ConditionOf(a) == CommandQueues);
        Assert.Equal("functions", IdentityModuleOf(functions.PassedParameters!["functionsPrincipalId"]));
        Assert.Equal("worker", IdentityModuleOf(worker.PassedParameters!["workerPrincipalId"]));
    }

    [Fact]
    public async Task TheWorkerMayOnlySendCallActionsAndOnlyTheFunctionsAppTakesThem()
    {
        var resources = await ResourcesAsync();
        var storageAssignments = OfType(resources, "Microsoft.Authorization/roleAssignments").Where(a => a.Module == "storage").ToList();

        var onCallActions = storageAssignments.Where(a => ConditionOf(a) is CallActionQueue or CallActionQueues).ToList();
        Assert.Equal(2, onCallActions.Count);
        var worker = Assert.Single(onCallActions, a => PrincipalParameter(a) == "[parameters('workerPrincipalId')]");
        Assert.Equal(QueueDataMessageSender, RoleDefinitionId(worker));
        Assert.Equal(CallActionQueue, ConditionOf(worker));
        var functions = Assert.Single(onCallActions, a => PrincipalParameter(a) == "[parameters('functionsPrincipalId')]");
        Assert.Equal(QueueDataContributor, RoleDefinitionId(functions));
        Assert.Equal(CallActionQueues, ConditionOf(functions));

        // The deployment creates the queue and its poison queue (the worker may not create queues it only sends to).
        var queues = Assert.Single(OfType(resources, "Microsoft.Storage/storageAccounts/queueServices/queues"));
        Assert.Equal(["dvs-call-actions", "dvs-call-actions-poison"], queues.Variable("callActionQueues")!.AsArray().Select(q => q!.GetValue<string>()));
    }

    [Theory]
    [InlineData("workerPrincipalId")]
    [InlineData("functionsPrincipalId")]
    public async Task QueueRolesReachOnlyTheDvsQueues(string principal)
    {
        var storageAssignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.Module == "storage")
            .ToList();
        var grants = storageAssignments.Where(a => PrincipalParameter(a) == $"[parameters('{principal}')]").ToList();

        Assert.DoesNotContain(grants, a => AccountWideRoles.Contains(RoleDefinitionId(a) ?? string.Empty));
        var queueGrants = grants.Where(a => QueueDataRoles.Contains(RoleDefinitionId(a) ?? string.Empty)).ToList();
        Assert.NotEmpty(queueGrants);
        foreach (var grant in queueGrants)
        {
            // A grant on the account (not on one queue) must carry the queue-name condition.
            if (grant.Body["scope"]!.GetValue<string>().Contains("queueServices/queues", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.Equal("2.0", grant.Properties["conditionVersion"]?.GetValue<string>());
            AssertOnlyTheDvsQueues(ConditionText(grant), ConditionOf(grant));
        }
    }

    // The conditions by the variable that holds each: the command queues, the call-action queue (send only), the
    // call-action queue and its poison queue (the trigger).
    private const string CommandQueues = "dvsQueuesOnly";
    private const string CallActionQueue = "callActionQueueOnly";
    private const string CallActionQueues = "callActionQueuesOnly";

    private static string? ConditionOf(ArmResource grant) =>
        grant.Properties["condition"]?.GetValue<string>() is { } reference && VariableReference().Match(reference) is { Success: true } match
            ? match.Groups["name"].Value
            : null;

    private static string ConditionText(ArmResource grant)
    {
        var reference = grant.Properties["condition"]!.GetValue<string>();
        return VariableReference().Match(reference) is { Success: true } match ? grant.Variable(match.Groups["name"].Value)!.GetValue<string>() : reference;
    }

    // The condition has the documented shape: (no message action OR the queue is one of the app's). The message actions
    // gated are the role's (all of them for Contributor), so none escapes the name check, and the names allowed are
    // exactly the queues the code names.
    private static void AssertOnlyTheDvsQueues(string condition, string? variable)
    {
        var shape = ConditionShape().Match(condition);
        Assert.True(shape.Success, $"unexpected condition shape: {condition}");
        var gated = ActionMatches().Matches(shape.Groups["actions"].Value).Select(m => m.Groups["action"].Value).ToHashSet();
        // Every gated action is a queue message action (each branch below says which ones).
        Assert.Subset(QueueMessageActions.ToHashSet(), gated);

        var allowed = QueueNameTest().Matches(shape.Groups["names"].Value).Select(m => (m.Groups["op"].Value, m.Groups["value"].Value)).ToList();
        var clauses = shape.Groups["names"].Value.Split(" OR ", StringSplitOptions.TrimEntries);
        Assert.Equal(clauses.Length, allowed.Count);  // nothing but queue-name tests on that side
        var root = DvServerless.Testing.RepositoryPaths.RequireRoot();
        var callActions = ConstantIn(Path.Combine(root, "src", "DvServerless.Adapters", "CallActions", "CallActionQueueDefaults.cs"), "Name");
        switch (variable)
        {
            case CallActionQueue:
                // Message Sender holds only this message action: nothing else of the role escapes the name check.
                Assert.Equal(["Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action"], gated);
                Assert.Equal([("StringEquals", callActions)], allowed);
                break;
            case CallActionQueues:
                Assert.Equal(QueueMessageActions.ToHashSet(), gated);
                Assert.Equal([("StringEquals", callActions), ("StringEquals", callActions + "-poison")], allowed);
                break;
            default:
                Assert.Equal(QueueMessageActions.ToHashSet(), gated);
                var replicaPrefix = ConstantIn(Path.Combine(root, "src", "DvServerless.Core", "Hosting", "ReplicaQueueName.cs"), "Prefix");
                var sipQueue = ConstantIn(Path.Combine(root, "src", "DvServerless.Adapters", "Commands", "SipQueueMessages.cs"), "Name");
                Assert.Equal([("StringStartsWith", replicaPrefix), ("StringEquals", sipQueue)], allowed);
                break;
        }
    }

    private static string ConstantIn(string file, string name)
    {
        var match = Regex.Match(File.ReadAllText(file), $@"public const string {name} = ""(?<value>[^""]+)"";", RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"{file} has no constant {name}");
        return match.Groups["value"].Value;
    }

    [Fact]
    public async Task OnlyTheFunctionsAppHasACallAutomationGrantOnTheAcsResource()
    {
        var resources = await ResourcesAsync();
        var acsAssignments = OfType(resources, "Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.Module == "communication")
            .ToList();

        var grant = Assert.Single(acsAssignments);
        Assert.Equal("functions", IdentityModuleOf(grant.PassedParameters!["functionsPrincipalId"]));
        Assert.Equal("[parameters('functionsPrincipalId')]", PrincipalParameter(grant));
        Assert.Null(grant.PassedParameters!["workerPrincipalId"]);
        Assert.Null(grant.Body["copy"]);
        Assert.Contains("Microsoft.Communication/communicationServices", grant.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        // Contributor includes listKeys; ACS honours no narrower role for Call Automation with Entra ID, so this pins
        // the known exception (docs/azure-deployment.md) instead of letting a wider one (Owner) in unnoticed.
        Assert.Equal(Contributor, RoleDefinitionId(grant));

        // Nor anywhere else: no assignment of the worker's identity is scoped to the ACS resource.
        Assert.DoesNotContain(OfType(resources, "Microsoft.Authorization/roleAssignments"), a =>
            a.Body["scope"]?.GetValue<string>() is { } scope && scope.Contains("Microsoft.Communication", StringComparison.Ordinal)
            && PrincipalParameter(a).Contains("worker", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TheWorkerHasNoAcsSettingAndTheTransferTargetIsTheFunctionsAppsAlone()
    {
        var resources = await ResourcesAsync();
        var worker = Assert.Single(OfType(resources, "Microsoft.App/containerApps"));
        var env = worker.Variable("env")!.GetValue<string>();
        var site = Assert.Single(OfType(resources, "Microsoft.Web/sites/config"));

        Assert.DoesNotContain("'Acs__", env, StringComparison.Ordinal);
        Assert.DoesNotContain("acsEndpoint", worker.Template["parameters"]!.AsObject().Select(p => p.Key));
        Assert.Null(worker.PassedParameters!["acsEndpoint"]);
        // The worker only learns whether to offer the transfer tool; the number is the Functions app's setting.
        Assert.Contains("createObject('name', 'CallActions__OfferTransfer', 'value', string(parameters('offerTransfer')))", env, StringComparison.Ordinal);
        Assert.Equal("[not(empty(parameters('acsTransferTarget')))]", worker.PassedParameters!["offerTransfer"]!["value"]!.GetValue<string>());
        Assert.Equal("[parameters('acsTransferTarget')]", site.Properties["Acs__TransferTarget"]!.GetValue<string>());
        // The CallAction trigger's host connection reaches the queue service with the identity.
        Assert.NotNull(site.Properties["AzureWebJobsStorage__queueServiceUri"]);
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
        // Nor the ACS connection string (an access key) that the deployment keeps in the vault.
        Assert.DoesNotContain(scopes, scope => scope.Contains("acs-connection-string", StringComparison.Ordinal));
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

    [GeneratedRegex(@"^\[variables\('(?<name>[A-Za-z0-9_]+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\(\((?<actions>(?:\s*(?:AND\s*)?!\(ActionMatches\{'[^']+'\}\))+)\s*\)\s*OR\s*\((?<names>.+)\)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex ConditionShape();

    [GeneratedRegex(@"ActionMatches\{'(?<action>[^']+)'\}", RegexOptions.CultureInvariant)]
    private static partial Regex ActionMatches();

    [GeneratedRegex(@"@Resource\[Microsoft\.Storage/storageAccounts/queueServices/queues:name\] (?<op>StringEquals|StringStartsWith) '(?<value>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex QueueNameTest();
}
