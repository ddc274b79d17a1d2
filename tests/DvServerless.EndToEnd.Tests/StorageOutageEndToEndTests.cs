using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// The standalone Functions app with its storage account out: the Event Grid IncomingCall webhook and the tenant API
/// answer 503 with <c>Retry-After</c> and an error body within a second (before: ~27 s, then a bare 500); once storage is
/// back, the same requests are served within the breaker's period (<c>Storage:BreakDuration</c>, 1 s) of its return.
/// </summary>
public sealed class StorageOutageEndToEndTests(ITestOutputHelper output)
{
    private const string ApiKey = "e2e-storage-outage-key-0123456789";

    // Azurite's well-known development account key (public, documented with Azurite).
    private const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [SkippableFact]
    public async Task With_storage_out_webhooks_and_the_api_answer_503_fast_and_recover_when_it_returns()
    {
        // Held bound, so nothing else listens there until Azurite comes back on it.
        using var storage = new ClosedTcpPort();
        var storagePort = storage.Port;
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.Functions", "DvServerless.Functions.dll");
        await using var app = await ProcessRunner.StartListeningAsync(assembly, port => ["--urls", $"http://127.0.0.1:{port}"], _ => new Dictionary<string, string?>
        {
            // Azurite's account, on a port where nothing listens yet.
            ["Storage__ConnectionString"] = new AzuriteConnection(storagePort).ConnectionString,
            ["TENANT_CREDENTIALS"] = "acme:" + ApiKey,
        });
        var appPort = app.Port;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var baseUri = new Uri($"http://127.0.0.1:{appPort}");
        await WaitForReadinessAsync(http, baseUri, app);

        foreach (var send in new Func<Task<HttpResponseMessage>>[] { () => PostIncomingCallAsync(http, baseUri), () => GetSessionsAsync(http, baseUri) })
        {
            var watch = Stopwatch.StartNew();
            using var response = await send();
            watch.Stop();
            output.WriteLine($"{response.RequestMessage!.RequestUri!.AbsolutePath} with storage out: {(int)response.StatusCode} in {watch.Elapsed.TotalMilliseconds:F0} ms");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "no Retry-After in seconds");
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("storage_unavailable", body.RootElement.GetProperty("error").GetString());
            // The 0.8 s budget plus room for two processes on a shared 2-core machine; without the budget the refused
            // connection's retries took about 27 s.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"{response.RequestMessage!.RequestUri!.AbsolutePath} took {watch.Elapsed}");
        }

        Assert.Contains($"Blob storage at http://127.0.0.1:{storagePort}/devstoreaccount1 is not reachable", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteAccountKey, app.Output, StringComparison.Ordinal);

        // Storage comes back on the same endpoint: the same requests are served, with no restart.
        var azuriteMissing = AzuriteProcess.FindExecutable(RepositoryPaths.Root) is null;
        if (azuriteMissing && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Azurite is not installed (npm install).");
        }

        Skip.If(azuriteMissing, "The recovery half needs Azurite (npm install); the outage half passed.");
        storage.Dispose();
        await using var azurite = await AzuriteProcess.StartAsync(storagePort, RepositoryPaths.Root);

        // Storage was held as out: the first request after the break is let through as the trial and served, so service
        // resumes within a break period, not a restart or the clients' Retry-After.
        var back = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var sessions = await GetSessionsAsync(http, baseUri);
            status = sessions.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                await Task.Delay(100);
            }
        }
        while (status != HttpStatusCode.OK && back.Elapsed < TimeSpan.FromSeconds(10));

        output.WriteLine($"served again {back.Elapsed.TotalMilliseconds:F0} ms after Azurite was up");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(3), $"served again after {back.Elapsed}");
        using var incoming = await PostIncomingCallAsync(http, baseUri);
        // ACS itself (the simulator) is not running here, so the call may still be refused, but not for want of storage.
        Assert.DoesNotContain("storage_unavailable", await incoming.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostIncomingCallAsync(HttpClient http, Uri baseUri)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "/api/acs/incoming-call"))
        {
            Content = new StringContent(IncomingCallDelivery(Guid.NewGuid().ToString()), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", "Notification");
        return http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> GetSessionsAsync(HttpClient http, Uri baseUri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/api/v1/sessions"));
        request.Headers.Add("X-Api-Key", ApiKey);
        return http.SendAsync(request);
    }

    private static async Task WaitForReadinessAsync(HttpClient http, Uri baseUri, RunningProcess app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(app.Process.HasExited, "The app exited:\n" + app.Output);
            try
            {
                using var response = await http.GetAsync(baseUri);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(100);
        }
    }

    // An Event Grid schema delivery of one IncomingCall (PROTOCOL.md §4.1 shape; values invented).
    private static string IncomingCallDelivery(string correlationId) => $$"""
        [{
          "id": "{{Guid.NewGuid()}}",
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/dvs/providers/microsoft.communication/communicationservices/dvs-acs",
          "subject": "/caller/4:+14255550123/recipient/4:+18005550199",
          "data": {
            "to": { "kind": "phoneNumber", "rawId": "4:+18005550199", "phoneNumber": { "value": "+18005550199" } },
            "from": { "kind": "phoneNumber", "rawId": "4:+14255550123", "phoneNumber": { "value": "+14255550123" } },
            "serverCallId": "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29tL2FwaS92Mi9jcC9jb252LXVzZWEyLTAxLnNkay5hc3NpZ25lZC9jYWxsLzEyMzQ=",
            "callerDisplayName": "",
            "incomingCallContext": "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJjYyI6IkgzNHNJQUFBQUFBQUJBQ2RWRjF2MmpBVSJ9.",
            "correlationId": "{{correlationId}}"
          },
          "eventType": "Microsoft.Communication.IncomingCall",
          "dataVersion": "1.0",
          "metadataVersion": "1",
          "eventTime": "2026-01-10T03:00:00.1234567Z"
        }]
        """;

    /// <summary>The connection string Azurite will have on <see cref="Port"/>, before it runs.</summary>
    private sealed record AzuriteConnection(int Port)
    {
        public string ConnectionString =>
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.AccountName};AccountKey={AzuriteAccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AzuriteProcess.AccountName};";
    }
}
