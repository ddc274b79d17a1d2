using DvServerless.Cli.Calls;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>What an end-to-end run needs on the machine: Azurite, espeak-ng and sox (the README's test command installs them).</summary>
internal static class Prerequisites
{
    public static void Require()
    {
        var missing = new List<string>();
        if (AzuriteProcess.FindExecutable(RepositoryPaths.Root) is null)
        {
            missing.Add("Azurite (npm install)");
        }

        if (!CallerAudioSynthesizer.IsAvailable)
        {
            missing.Add("espeak-ng and sox");
        }

        if (missing.Count == 0)
        {
            return;
        }

        var reason = $"End-to-end tests need {string.Join(" and ", missing)}; run ./scripts/test.sh, which installs them.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason);
        }

        Skip.If(true, reason);
    }
}
