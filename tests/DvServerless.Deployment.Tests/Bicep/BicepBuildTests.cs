namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// The deployment gate: <c>infra/main.bicep</c> (and every module it uses) builds and lints with the offline Bicep CLI
/// with no error and no warning. bicepconfig.json raises the secret-protection rules to errors; core BCP warnings
/// (unknown property, wrong type, unknown API version) stay warnings, so any warning line fails here.
/// </summary>
public sealed class BicepBuildTests
{
    [Fact]
    public async Task MainBuildsWithNoDiagnostics()
    {
        var compiled = await CompiledTemplate.MainAsync();

        Assert.True(compiled.Build.ExitCode == 0, $"bicep build failed:\n{compiled.Build.Output}");
        Assert.Empty(BicepCli.Diagnostics(compiled.Build));
        Assert.NotNull(compiled.Template);
    }

    [Fact]
    public async Task MainLintsWithNoDiagnostics()
    {
        var lint = await BicepCli.RunAsync("lint", "infra/main.bicep");

        Assert.True(lint.ExitCode == 0, $"bicep lint failed:\n{lint.Output}");
        Assert.Empty(BicepCli.Diagnostics(lint));
    }

    [Fact]
    public async Task TheGateCatchesASecretInAnOutput()
    {
        // Proves the gate can fail: a module that outputs a listKeys() value must be rejected by the configured rules.
        var root = DvServerless.Testing.RepositoryPaths.RequireRoot();
        var probeDirectory = Path.Combine(root, "bicep", $".lint-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(probeDirectory);
        try
        {
            var probe = Path.Combine(probeDirectory, "probe.bicep");
            await File.WriteAllTextAsync(probe, """
                param name string
                resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
                  name: name
                }
                output leaked string = storage.listKeys().keys[0].value
                """);

            var lint = await BicepCli.RunAsync("lint", probe);

            Assert.NotEqual(0, lint.ExitCode);
            Assert.Contains(BicepCli.Diagnostics(lint), line => line.Contains("outputs-should-not-contain-secrets", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(probeDirectory, recursive: true);
        }
    }
}
