using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static DvServerless.Deployment.Tests.Bicep.CompiledResources;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// Each app runs as its own managed identity with only the rights it uses: the worker cannot read the Functions host
/// storage (host keys live there), cannot read the SIP webhook secret, and touches only the blob containers it writes
/// calls into. Checked on the compiled template, so a module edit that widens a grant fails here.
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

        // Replicas create, read and delete their own queues (made at run time, so the grant is on the account, with a
        // condition on the queue name: QueueRolesReachOnlyTheDvsQueues).
        var worker = Assert.Single(storageAssignments, a => RoleDefinitionId(a) == QueueDataContributor);
        Assert.Equal("[parameters('workerPrincipalId')]", PrincipalParameter(worker));
        // The Functions app puts commands on them and can neither read nor delete anything there.
        var functions = Assert.Single(storageAssignments, a => RoleDefinitionId(a) == QueueDataMessageSender);
        Assert.Equal("[parameters('functionsPrincipalId')]", PrincipalParameter(functions));
        Assert.DoesNotContain(storageAssignments, a => PrincipalParameter(a) == "[parameters('functionsPrincipalId')]" && RoleDefinitionId(a) == QueueDataContributor);
        Assert.Equal("functions", IdentityModuleOf(functions.PassedParameters!["functionsPrincipalId"]));
        Assert.Equal("worker", IdentityModuleOf(worker.PassedParameters!["workerPrincipalId"]));
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
            var reference = grant.Properties["condition"]!.GetValue<string>();
            var condition = VariableReference().Match(reference) is { Success: true } match
                ? grant.Variable(match.Groups["name"].Value)!.GetValue<string>()
                : reference;
            AssertOnlyTheDvsQueues(condition);
        }
    }

    // The condition has the documented shape: (no message action OR the queue is one of the worker's). Every message
    // action is listed, so none escapes the name check, and the names allowed are exactly the worker's queues, as its
    // code names them.
    private static void AssertOnlyTheDvsQueues(string condition)
    {
        var shape = ConditionShape().Match(condition);
        Assert.True(shape.Success, $"unexpected condition shape: {condition}");
        var gated = ActionMatches().Matches(shape.Groups["actions"].Value).Select(m => m.Groups["action"].Value).ToHashSet();
        Assert.Superset(QueueMessageActions.ToHashSet(), gated);

        var allowed = QueueNameTest().Matches(shape.Groups["names"].Value).Select(m => (m.Groups["op"].Value, m.Groups["value"].Value)).ToList();
        var clauses = shape.Groups["names"].Value.Split(" OR ", StringSplitOptions.TrimEntries);
        Assert.Equal(clauses.Length, allowed.Count);  // nothing but queue-name tests on that side
        var root = DvServerless.Testing.RepositoryPaths.RequireRoot();
        var replicaPrefix = ConstantIn(Path.Combine(root, "src", "DvServerless.Core", "Hosting", "ReplicaQueueName.cs"), "Prefix");
        var sipQueue = ConstantIn(Path.Combine(root, "src", "DvServerless.Adapters", "Commands", "SipQueueMessages.cs"), "Name");
        Assert.Equal([("StringStartsWith", replicaPrefix), ("StringEquals", sipQueue)], allowed);
    }

    private static string ConstantIn(string file, string name)
    {
        var match = Regex.Match(File.ReadAllText(file), $@"public const string {name} = ""(?<value>[^""]+)"";", RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"{file} has no constant {name}");
        return match.Groups["value"].Value;
    }

    [Fact]
    public async Task EachAppHasItsOwnCallAutomationGrantOnTheAcsResourceAndNothingMoreThere()
    {
        var acsAssignments = OfType(await ResourcesAsync(), "Microsoft.Authorization/roleAssignments")
            .Where(assignment => assignment.Module == "communication")
            .ToList();
        var communication = acsAssignments[0];
        Assert.Equal("functions", IdentityModuleOf(communication.PassedParameters!["functionsPrincipalId"]));
        Assert.Equal("worker", IdentityModuleOf(communication.PassedParameters!["workerPrincipalId"]));

        Assert.Equal(2, acsAssignments.Count);
        foreach (var principal in new[] { "functionsPrincipalId", "workerPrincipalId" })
        {
            var grant = Assert.Single(acsAssignments, a => PrincipalParameter(a) == $"[parameters('{principal}')]");
            Assert.Null(grant.Body["copy"]);
            Assert.Contains("Microsoft.Communication/communicationServices", grant.Body["scope"]!.GetValue<string>(), StringComparison.Ordinal);
            // Contributor includes listKeys; ACS honours no narrower role for Call Automation with Entra ID, so this pins
            // the known exception (docs/azure-deployment.md) instead of letting a wider one (Owner) in unnoticed.
            Assert.Equal(Contributor, RoleDefinitionId(grant));
        }
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
