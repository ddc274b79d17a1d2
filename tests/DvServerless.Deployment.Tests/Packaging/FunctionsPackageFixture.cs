using System.Security.Cryptography;
using System.Text;
using DvServerless.Testing;

namespace DvServerless.Deployment.Tests.Packaging;

/// <summary>
/// Runs, once for the test class, the publish azd runs for the <c>functions</c> service:
/// <c>dotnet publish src/DvServerless.Functions -c Release -o &lt;dir&gt;</c> (framework-dependent, no runtime
/// identifier). Intermediate output goes to a temp artifacts folder, one per checkout, so the tree's own build output
/// and other checkouts' test runs are untouched; the folder is kept between runs so the publish is incremental.
/// </summary>
public sealed class FunctionsPackageFixture : IAsyncLifetime
{
    /// <summary>The publish root (what azd zips and deploys).</summary>
    public string PackageDirectory { get; } = Path.Combine(Path.GetTempPath(), $"dvs-functions-package-{Guid.NewGuid():N}");

    /// <summary>The publish run.</summary>
    public ExternalCommandResult? Result { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var root = RepositoryPaths.RequireRoot();
        var checkout = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..12];
        var artifacts = Path.Combine(Path.GetTempPath(), $"dvs-deployment-tests-artifacts-{checkout}");
        Result = await ExternalCommand.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet",
            ["publish", Path.Combine(root, "src", "DvServerless.Functions"), "-c", "Release", "-o", PackageDirectory,
                "--artifacts-path", artifacts, "-nologo"],
            root,
            TimeSpan.FromMinutes(15));
    }

    /// <summary>The publish root, failing the test with the publish output when the publish failed.</summary>
    public string RequirePackage()
    {
        Assert.True(Result is { ExitCode: 0 }, $"dotnet publish failed:\n{Result?.Output}");
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
