using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// An app wired as the Functions app and the worker are (<c>AddDvServerlessStorage</c> and
/// <see cref="StorageUnavailableMiddleware"/>) whose storage account accepts connections and never answers: its requests
/// are answered 503 with <c>Retry-After</c> within a second, and at once, without a request to storage, once storage is
/// held as out. A media socket's request is interactive until it is accepted; the call after it is background.
/// </summary>
[Collection(StorageTimingGroup.Name)]
public sealed class StorageUnavailableMiddlewareTests
{
    [Fact]
    public async Task Requests_meeting_a_stalled_storage_are_answered_503_with_Retry_After_within_the_budget_and_then_at_once()
    {
        using var storage = new StalledStorage();
        await using var app = await StartAppAsync(storage.ConnectionString, app =>
        {
            app.MapGet("/sessions/{callId}", async (string callId, ICallSessionStore sessions, CancellationToken cancellationToken) =>
                await sessions.GetAsync(callId, cancellationToken) is { } session ? Results.Ok(session.State.ToString()) : Results.NotFound());
            app.MapGet("/warm-up", async (BlobServiceClient blobs, CancellationToken cancellationToken) =>
            {
                // Off the budget: a cold process's first operation (the client compiled, a connection opened) can take
                // longer than 800 ms on a busy machine, and the warm-up is there to take that time out of the timed part.
                using var offBudget = InteractiveStorageScope.Suspend();
                return Results.Ok((bool)await blobs.GetBlobContainerClient("warm-up").ExistsAsync(cancellationToken));
            });
        });
        using var http = app.GetTestClient();
        await WarmUpAsync(http, storage);

        // Storage:BreakAfterFailures (3) requests find out for themselves, each within the budget...
        for (var i = 1; i <= 3; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(new Uri($"/sessions/call-{i}", UriKind.Relative));
            watch.Stop();

            await AssertStorageUnavailableAsync(response);
            // The budget is 800 ms; a try without it would wait out the 30 s network timeout set below. The bound leaves a
            // busy machine seconds of slack (a clean-clone CI run measured 1.68 s) and still tells the two apart.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"request {i} took {watch.Elapsed}");
            Assert.True(watch.Elapsed > TimeSpan.FromSeconds(0.5), $"request {i} took only {watch.Elapsed}: " + await response.Content.ReadAsStringAsync());
            Assert.Equal(i, storage.Requests);
        }

        // ...then storage is held as out: the next is answered without waiting on it.
        var fast = Stopwatch.StartNew();
        using var held = await http.GetAsync(new Uri("/sessions/call-4", UriKind.Relative));
        fast.Stop();
        await AssertStorageUnavailableAsync(held);
        Assert.Equal(3, storage.Requests);
        Assert.True(fast.Elapsed < TimeSpan.FromMilliseconds(500), $"took {fast.Elapsed}");
    }

    [Fact]
    public async Task A_media_socket_is_a_request_until_it_is_accepted_and_its_call_is_background_work()
    {
        var seen = new List<(string When, bool Interactive)>();
        var callDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAppAsync(StorageTestAccount.ConnectionString(1), app =>
        {
            app.Map("/media", async context =>
            {
                seen.Add(("before accept", InteractiveStorageScope.IsActive));
                // A task the request starts (a call's transcript writer does): it carries the request's context.
                var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var writer = Task.Run(async () =>
                {
                    await started.Task;
                    lock (seen)
                    {
                        seen.Add(("writer after accept", InteractiveStorageScope.IsActive));
                    }
                });
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                seen.Add(("after accept", InteractiveStorageScope.IsActive));
                started.SetResult();
                await writer;
                callDone.SetResult();
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            });
            app.MapGet("/plain", () => Results.Text(InteractiveStorageScope.IsActive ? "interactive" : "background"));
        });

        var client = app.GetTestServer().CreateWebSocketClient();
        using var socket = await client.ConnectAsync(new Uri("ws://localhost/media"), CancellationToken.None);
        await callDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var http = app.GetTestClient();

        Assert.Equal([("before accept", true), ("after accept", false), ("writer after accept", false)], seen);
        Assert.Equal("interactive", await http.GetStringAsync(new Uri("/plain", UriKind.Relative)));
        Assert.False(InteractiveStorageScope.IsActive);
    }

    [Fact]
    public async Task Work_a_request_left_running_is_background_once_the_request_has_ended()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool> leftRunning;
        bool during;
        using (InteractiveStorageScope.Begin())
        {
            during = InteractiveStorageScope.IsActive;
            leftRunning = Task.Run(async () =>
            {
                await release.Task;
                return InteractiveStorageScope.IsActive;
            });
        }

        release.SetResult();

        Assert.True(during);
        Assert.False(await leftRunning);
    }

    private static async Task AssertStorageUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("storage_unavailable", body.RootElement.GetProperty("error").GetString());
    }

    private static async Task<WebApplication> StartAppAsync(string connectionString, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connectionString,
            // Far beyond the 800 ms request budget, so a request the budget did not cut is told apart by a wide margin.
            ["Storage:NetworkTimeout"] = "00:00:30",
        });
        builder.Services.AddDvServerlessStorage(builder.Configuration);
        // The start-up check would send its own (background) request to the stalled account and muddle the count.
        var check = builder.Services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(StorageReachabilityCheck));
        builder.Services.Remove(check);
        var app = builder.Build();
        app.UseWebSockets();
        app.UseMiddleware<StorageUnavailableMiddleware>();
        map(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Compiles the app's request path and the storage client's whole send and receive path (over a second on a loaded
    /// machine, part of it inside a request's budget) with one request that storage answers, as the apps' start-up check
    /// warms the storage client, before a request is timed.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient http, StalledStorage storage)
    {
        storage.Answers = true;
        Assert.Equal("false", await http.GetStringAsync(new Uri("/warm-up", UriKind.Relative)));
        storage.Answers = false;
        storage.ResetCount();
    }
}
