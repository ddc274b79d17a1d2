using DvServerless.Testing;

namespace DvServerless.Deployment.Tests.Hooks;

/// <summary>
/// The azd postdeploy hook (scripts/azd/postdeploy.sh) run against a fake <c>az</c> that records its calls and keeps
/// the state a real subscription would: it creates the IncomingCall subscription with the keyed endpoint, is idempotent
/// on a second run (update, no second secret write), and never prints the function key.
/// </summary>
public sealed class PostdeployHookTests : IDisposable
{
    private const string FunctionKey = "fake-function-key-Zq9v1XK";

    // State files: the secret in Key Vault and the existence of the subscription, as a real az would see them.
    private const string FakeAz = """
        #!/bin/sh
        state=$FAKE_AZ_STATE
        printf '%s\n' "$*" >>"$state/calls.log"
        case "$*" in
          "account show"*) exit 0 ;;
          "functionapp keys list"*) printf '%s\n' "$FAKE_FUNCTION_KEY" ;;
          "keyvault secret show"*) [ -f "$state/secret" ] || exit 3; cat "$state/secret"; echo ;;
          "keyvault secret set"*)
            while [ $# -gt 0 ]; do [ "$1" = "--file" ] && cp "$2" "$state/secret"; shift; done ;;
          "functionapp config appsettings set"*) ;;
          "eventgrid system-topic event-subscription show"*) [ -f "$state/subscription" ] || exit 3 ;;
          "eventgrid system-topic event-subscription create"*) touch "$state/subscription" ;;
          "eventgrid system-topic event-subscription update"*) ;;
          *) echo "fake az: unexpected $*" >&2; exit 2 ;;
        esac
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"dvs-postdeploy-{Guid.NewGuid():N}");

    public PostdeployHookTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "bin"));
        Directory.CreateDirectory(Path.Combine(_directory, "state"));
        var az = Path.Combine(_directory, "bin", "az");
        File.WriteAllText(az, FakeAz.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string CallsLog => Path.Combine(_directory, "state", "calls.log");

    private Task<ExternalCommandResult> RunHookAsync(bool withEnvironment = true)
    {
        var root = RepositoryPaths.RequireRoot();
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = Path.Combine(_directory, "bin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_AZ_STATE"] = Path.Combine(_directory, "state"),
            ["FAKE_FUNCTION_KEY"] = FunctionKey,
            ["AZURE_SUBSCRIPTION_ID"] = withEnvironment ? "00000000-0000-0000-0000-000000000001" : null,
            ["AZURE_RESOURCE_GROUP"] = "rg-test",
            ["FUNCTIONS_APP_NAME"] = "func-test",
            ["FUNCTIONS_APP_URL"] = "https://func-test.azurewebsites.net",
            ["EVENTGRID_SYSTEM_TOPIC_NAME"] = "evgt-acs-test",
            ["AZURE_KEY_VAULT_NAME"] = "kv-test",
        };
        return ExternalCommand.RunAsync("sh", [Path.Combine(root, "scripts", "azd", "postdeploy.sh")], root, TimeSpan.FromMinutes(1), environment);
    }

    [Fact]
    public async Task FirstRunStoresTheKeyAndCreatesTheKeyedSubscription()
    {
        var run = await RunHookAsync();

        Assert.True(run.ExitCode == 0, run.Output);
        var calls = File.ReadAllLines(CallsLog);
        var create = Assert.Single(calls, call => call.StartsWith("eventgrid system-topic event-subscription create", StringComparison.Ordinal));
        Assert.Contains("--endpoint https://func-test.azurewebsites.net/api/acs/incoming-call?code=" + FunctionKey + " ", create, StringComparison.Ordinal);
        Assert.Contains("--included-event-types Microsoft.Communication.IncomingCall", create, StringComparison.Ordinal);
        Assert.Contains("--system-topic-name evgt-acs-test", create, StringComparison.Ordinal);
        Assert.Contains("--event-ttl 1", create, StringComparison.Ordinal);
        Assert.Equal(FunctionKey, File.ReadAllText(Path.Combine(_directory, "state", "secret")));
        Assert.DoesNotContain(FunctionKey, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondRunUpdatesTheSameSubscriptionAndLeavesTheSecret()
    {
        await RunHookAsync();
        File.Delete(CallsLog);

        var run = await RunHookAsync();

        Assert.True(run.ExitCode == 0, run.Output);
        var calls = File.ReadAllLines(CallsLog);
        Assert.DoesNotContain(calls, call => call.Contains("event-subscription create", StringComparison.Ordinal));
        Assert.Single(calls, call => call.StartsWith("eventgrid system-topic event-subscription update", StringComparison.Ordinal)
            && call.Contains("-n incoming-call", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, call => call.StartsWith("keyvault secret set", StringComparison.Ordinal));
        Assert.DoesNotContain(FunctionKey, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheAzdEnvironmentItStopsBeforeCallingAzure()
    {
        var run = await RunHookAsync(withEnvironment: false);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("AZURE_SUBSCRIPTION_ID is not set", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(CallsLog));
    }

    [SkippableFact]
    public async Task ShellScriptsPassShellcheck()
    {
        Skip.IfNot(ExternalCommand.IsOnPath("shellcheck"), "shellcheck is not installed here (apt-get install shellcheck)");
        var root = RepositoryPaths.RequireRoot();

        var check = await ExternalCommand.RunAsync("shellcheck", ["-s", "sh", "scripts/azd/postdeploy.sh", "scripts/package-functions.sh"],
            root, TimeSpan.FromMinutes(1));

        Assert.True(check.ExitCode == 0, check.Output);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
