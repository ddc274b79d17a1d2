using System.Text.RegularExpressions;
using DvServerless.Testing;

namespace DvServerless.Deployment.Tests.Packaging;

/// <summary>
/// The media worker's Dockerfile: multi-stage, a chiseled or slim non-root runtime, the port from configuration, and
/// only paths that exist in the build context (the repository root). Built for real where a container engine runs;
/// where none does, the build is skipped with the reason and the worker's Release publish is checked instead.
/// </summary>
public sealed class MediaWorkerImageTests
{
    private static string Root => RepositoryPaths.RequireRoot();

    private static string DockerfilePath => Path.Combine(Root, "src", "DvServerless.MediaWorker", "Dockerfile");

    private static readonly Lazy<Task<string?>> DockerUnavailableReason = new(async () =>
    {
        if (!ExternalCommand.IsOnPath("docker"))
        {
            return "no docker CLI on PATH";
        }

        var info = await ExternalCommand.RunAsync("docker", ["info"], Root, TimeSpan.FromSeconds(30));
        return info.ExitCode == 0 ? null : "docker info failed: no container engine is running here";
    });

    [Fact]
    public void DockerfileIsMultiStageNonRootAndListensOnTheConfiguredPort()
    {
        var lines = File.ReadAllLines(DockerfilePath).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        var stages = lines.Where(line => line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.True(stages.Count >= 2, "expected a build stage and a runtime stage");
        Assert.Matches("mcr.microsoft.com/dotnet/sdk:", stages[0]);
        Assert.Matches("mcr.microsoft.com/dotnet/aspnet:[^ ]*(chiseled|slim)", stages[^1]);
        var runtime = lines.SkipWhile(line => line != stages[^1]).ToList();
        var user = Assert.Single(runtime, line => line.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"USER\s+0\b", user);
        Assert.Contains(runtime, line => Regex.IsMatch(line, @"ASPNETCORE_HTTP_PORTS=8080\b"));
        Assert.Contains("EXPOSE 8080", runtime);
        Assert.Contains(runtime, line => line.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && line.Contains("DvServerless.MediaWorker.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryCopiedPathExistsInTheBuildContext()
    {
        var copies = File.ReadAllLines(DockerfilePath)
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(copies);
        foreach (var copy in copies)
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[1..^1])
            {
                var path = Path.Combine(Root, source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{copy}: {source} is not in the repository");
            }
        }

        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore"));
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".azure/", ignored);
    }

    [SkippableFact]
    public async Task ImageBuildsWhereAContainerEngineRuns()
    {
        var reason = await DockerUnavailableReason.Value;
        Skip.If(reason is not null, $"{reason}; the worker's Release publish is checked instead (WorkerPublishesWithoutAContainerEngine)");

        var build = await ExternalCommand.RunAsync("docker",
            ["build", "-f", DockerfilePath, "-t", "dvserverless-mediaworker:test", "."], Root, TimeSpan.FromMinutes(20));

        Assert.True(build.ExitCode == 0, build.Output);
    }

    [SkippableFact]
    public async Task WorkerPublishesWithoutAContainerEngine()
    {
        var reason = await DockerUnavailableReason.Value;
        Skip.If(reason is null, "a container engine runs here, so the image build covers the publish");

        var output = Path.Combine(Path.GetTempPath(), $"dvs-mediaworker-publish-{Guid.NewGuid():N}");
        try
        {
            var publish = await ExternalCommand.RunAsync("dotnet",
                ["publish", "src/DvServerless.MediaWorker", "-c", "Release", "-o", output, "-nologo",
                    "--artifacts-path", Path.Combine(Path.GetTempPath(), "dvs-deployment-tests-worker-artifacts")],
                Root, TimeSpan.FromMinutes(15));

            Assert.True(publish.ExitCode == 0, publish.Output);
            Assert.True(File.Exists(Path.Combine(output, "DvServerless.MediaWorker.dll")));  // the image's ENTRYPOINT
            // The worker runs on the runtime's default thread pool: nothing on a pool thread blocks, so no floor hides it.
            using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "DvServerless.MediaWorker.runtimeconfig.json")));
            var properties = config.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var p) ? p : default;
            Assert.False(properties.ValueKind == System.Text.Json.JsonValueKind.Object && properties.TryGetProperty("System.Threading.ThreadPool.MinThreads", out _));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
