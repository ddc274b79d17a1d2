using Xunit;

namespace DvServerless.Testing;

/// <summary>
/// The official ACS Call Automation SDK (npm <c>@azure/communication-call-automation</c>, pinned in package.json) driven
/// by <c>tests/DvServerless.Simulators.Tests/Acs/Reference/acs-reference-client.mjs</c>: the reference client of
/// PROTOCOL.md §6. Tests that need it are skipped with the reason when it is not installed, except under CI.
/// </summary>
public static class AcsReferenceSdk
{
    /// <summary>The reference script's path; skips (or, under CI, fails) when the SDK is not installed.</summary>
    public static string RequireScript()
    {
        var root = RepositoryPaths.RequireRoot();
        var installed = Directory.Exists(Path.Combine(root, "node_modules", "@azure", "communication-call-automation"));
        var reason = "The ACS reference SDK is not installed (the README's test command runs `npm ci`, which installs it).";
        if (!installed && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason);
        }

        Skip.If(!installed, reason);
        return Path.Combine(root, "tests", "DvServerless.Simulators.Tests", "Acs", "Reference", "acs-reference-client.mjs");
    }

    /// <summary>Runs the script with node and the given environment (≤ 60 s).</summary>
    public static Task<ExternalCommandResult> RunAsync(string script, IReadOnlyDictionary<string, string?> environment) =>
        ExternalCommand.RunAsync("node", [script], RepositoryPaths.RequireRoot(), TimeSpan.FromSeconds(60), environment);
}
