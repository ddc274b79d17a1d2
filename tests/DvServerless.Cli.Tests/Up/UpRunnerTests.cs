using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DvServerless.Cli.Calls;
using DvServerless.Cli.Up;
using DvServerless.Core.Live;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Spectre.Console;

namespace DvServerless.Cli.Tests.Up;

/// <summary>
/// <c>dvs up</c> for real: the stack starts, the URLs file appears, everything it names answers, <c>dvs call --stack</c>
/// places a call the tenant watches live, Ctrl+C stops it.
/// </summary>
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
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
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
                ["functions", "worker", "console", "dashboard", "metrics", "calls", "apiKey", "tenant"],
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

            // The tenant watches the hub while dvs call --stack places a phone call on this stack.
            var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            await using var hub = new HubConnectionBuilder()
                .WithUrl(worker + "/hubs/live", options => options.AccessTokenProvider = () => Task.FromResult(token))
                .Build();
            var ended = new TaskCompletionSource<LiveEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            hub.On<LiveEvent>(LiveEventTypes.CallEnded, e => ended.TrySetResult(e));
            await hub.StartAsync(stop.Token);

            var summaryFile = new FileInfo(Path.Combine(folder, "call.json"));
            var agentWav = new FileInfo(Path.Combine(folder, "agent.wav"));
            var callOutput = new StringWriter();
            var callConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(callOutput), Interactive = InteractionSupport.No });
            var exitCode = await new CallRunner(callConsole).RunAsync(
                new CallRunOptions { Stack = urlsFile, SummaryJson = summaryFile, AgentWav = agentWav, Timeout = TimeSpan.FromSeconds(90) }, stop.Token);
            Assert.True(exitCode == 0, "dvs call --stack: " + callOutput);
            var summary = JsonSerializer.Deserialize<CallSummary>(await File.ReadAllTextAsync(summaryFile.FullName), CallRunSteps.SummaryJson)!;
            Assert.Equal("Ended", summary.FinalState);
            Assert.Contains(summary.Turns, t => t.Speaker == "agent");
            Assert.True(agentWav.Length > 44, "what the caller heard was written");

            // The call dialled the tenant's number: the tenant's hub group heard it end, and its snapshot lists it.
            var end = await ended.Task.WaitAsync(TimeSpan.FromSeconds(30), stop.Token);
            Assert.Equal((summary.CallId, "local"), (end.CallId, end.TenantId));
            var snapshot = await hub.InvokeAsync<LiveSnapshot>("GetSnapshot", stop.Token);
            var row = Assert.Single(snapshot.Calls, c => c.CallId == summary.CallId);
            Assert.Equal(("acs", "local"), (row.Channel, row.TenantId));

            // The phone line takes this stack's key only, and says why.
            using var wrongKey = new HttpRequestMessage(HttpMethod.Post, root.GetProperty("calls").GetString())
            {
                Content = JsonContent.Create(new StackCallRequest(Convert.ToBase64String(new byte[960]), 24000, 5, false)),
            };
            wrongKey.Headers.Add(StackCallServer.ApiKeyHeader, "dvs_" + new string('x', 40));
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrongKey)).StatusCode);
            using var oddRate = new HttpRequestMessage(HttpMethod.Post, root.GetProperty("calls").GetString())
            {
                Content = JsonContent.Create(new StackCallRequest(Convert.ToBase64String(new byte[960]), 44100, 5, false)),
            };
            oddRate.Headers.Add(StackCallServer.ApiKeyHeader, apiKey);
            using var refusedRate = await http.SendAsync(oddRate);
            Assert.Equal(HttpStatusCode.BadRequest, refusedRate.StatusCode);
            Assert.Contains("sampleRate", await refusedRate.Content.ReadAsStringAsync(), StringComparison.Ordinal);

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
