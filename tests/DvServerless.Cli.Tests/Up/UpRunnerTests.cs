using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DvServerless.Cli.Up;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;
using Spectre.Console;

namespace DvServerless.Cli.Tests.Up;

/// <summary><c>dvs up</c> for real: the stack starts, the URLs file appears, everything it names answers, Ctrl+C stops it.</summary>
public sealed class UpRunnerTests
{
    [SkippableFact]
    public async Task Up_WritesItsUrlsOnceReady_TheTenantKeyWorks_AndCancellationStopsTheStack()
    {
        RequireAzurite();
        var folder = Directory.CreateTempSubdirectory("dvs-up-").FullName;
        var urlsFile = new FileInfo(Path.Combine(folder, "urls.json"));
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = new UpRunner(console).RunAsync(new UpOptions { UrlsFile = urlsFile }, stop.Token);
        try
        {
            while (!urlsFile.Exists)
            {
                Assert.False(run.IsCompleted, "dvs up ended before writing its URLs file: " + output);
                await Task.Delay(200, stop.Token);
                urlsFile.Refresh();
            }

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(urlsFile.FullName));
            }

            using var urls = JsonDocument.Parse(await File.ReadAllTextAsync(urlsFile.FullName));
            var root = urls.RootElement;
            Assert.Equal(
                ["functions", "worker", "console", "dashboard", "metrics", "apiKey", "tenant"],
                root.EnumerateObject().Select(p => p.Name).ToArray());
            var functions = root.GetProperty("functions").GetString()!;
            var worker = root.GetProperty("worker").GetString()!;
            var apiKey = root.GetProperty("apiKey").GetString()!;
            Assert.Equal("local", root.GetProperty("tenant").GetString());
            Assert.Equal(worker + "/console", root.GetProperty("console").GetString());
            // Metrics are on the worker's internal port, not the public one.
            var metricsUrl = new Uri(root.GetProperty("metrics").GetString()!);
            Assert.Equal(("127.0.0.1", "/metrics"), (metricsUrl.Host, metricsUrl.AbsolutePath));
            Assert.NotEqual(new Uri(worker).Port, metricsUrl.Port);
            Assert.Equal(worker + "/dashboard", root.GetProperty("dashboard").GetString());
            Assert.True(apiKey.Length >= 24);

            using var http = new HttpClient();
            // The console the worker serves calls this run's Functions app.
            using var config = JsonDocument.Parse(await http.GetStringAsync(worker + "/console/config.json"));
            Assert.Equal(functions, config.RootElement.GetProperty("apiBase").GetString());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(root.GetProperty("console").GetString())).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(root.GetProperty("dashboard").GetString())).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(root.GetProperty("metrics").GetString())).StatusCode);

            // The fresh key belongs to tenant "local"; a made-up one does not.
            using var issued = await http.PostAsJsonAsync(functions + "/api/v1/auth/token", new { apiKey });
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
            using var refused = await http.PostAsJsonAsync(functions + "/api/v1/auth/token", new { apiKey = "dvs_" + new string('x', 40) });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

            Assert.Contains(apiKey, output.ToString(), StringComparison.Ordinal);
            Assert.Contains(root.GetProperty("console").GetString()!, output.ToString(), StringComparison.Ordinal);
            Assert.Contains(root.GetProperty("dashboard").GetString()!, output.ToString(), StringComparison.Ordinal);

            await stop.CancelAsync();
            Assert.Equal(0, await run);
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(worker + "/healthz"));
        }
        finally
        {
            await stop.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void RequireAzurite()
    {
        if (AzuriteProcess.FindExecutable(RepositoryPaths.Root) is not null)
        {
            return;
        }

        const string reason = "Azurite is not installed (npm ci in the repository root).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason);
        }

        Skip.If(true, reason);
    }
}
