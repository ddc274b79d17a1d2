using DvServerless.Testing;

namespace DvServerless.Deployment.Tests.Packaging;

/// <summary>
/// Runs <c>scripts/package-functions.sh</c> once for the test class: the same Release, self-contained linux-x64,
/// ReadyToRun publish azd deploys. Build output goes to a temp artifacts folder so parallel builds of the tree are
/// untouched; the folder is kept between runs so the publish is incremental.
/// </summary>
public sealed class FunctionsPackageFixture : IAsyncLifetime
{
    /// <summary>The publish root (what azd zips).</summary>
    public string PackageDirectory { get; } = Path.Combine(Path.GetTempPath(), $"dvs-functions-package-{Guid.NewGuid():N}");

    /// <summary>The script run.</summary>
    public ExternalCommandResult? Result { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var root = RepositoryPaths.RequireRoot();
        var artifacts = Path.Combine(Path.GetTempPath(), "dvs-deployment-tests-artifacts");
        Result = await ExternalCommand.RunAsync(
            Path.Combine(root, "scripts", "package-functions.sh"),
            [PackageDirectory, "--", "--artifacts-path", artifacts],
            root,
            TimeSpan.FromMinutes(15));
    }

    /// <summary>The script's run, failing the test with its output when it failed.</summary>
    public string RequirePackage()
    {
        Assert.True(Result is { ExitCode: 0 }, $"package-functions.sh failed:\n{Result?.Output}");
        return PackageDirectory;
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (Directory.Exists(PackageDirectory))
        {
            Directory.Delete(PackageDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
