using System.Diagnostics;
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

    /// <summary>Runs the script with node and the given environment; returns its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
