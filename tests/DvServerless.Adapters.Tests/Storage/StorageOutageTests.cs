using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// The Blob client built from <see cref="StorageOptions"/> fails fast when storage is out, and every way it fails then is
/// recognised as an outage (answered 503), while failures a retry will not cure are not.
/// </summary>
public sealed class StorageOutageTests
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public async Task Nothing_listening_fails_within_a_second_as_an_outage()
    {
        // What "within a second" rests on, without timing a loaded machine (a refused connect costs nothing; the waits
        // between tries are the time): a refused connection is tried MaxRetries + 1 times, no more, and the waits the
        // client's retry settings allow add up to under a second (the SDK's defaults retry three times from 0.8 s, over
        // 5 s in all). The wall-clock figure is not a unit test's business.
        using var closed = new ClosedTcpPort();
        var options = new StorageOptions();
        var clientOptions = StorageServiceCollectionExtensions.CreateClientOptions(options);
        var tries = new TryCountingPolicy();
        clientOptions.AddPolicy(tries, HttpPipelinePosition.PerRetry);
        var client = new BlobServiceClient(ConnectionString(closed.Port), clientOptions);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.GetBlobContainerClient("sessions").ExistsAsync());

        Assert.True(StorageUnavailability.IsUnavailable(failure), failure.GetType().Name);
        Assert.Equal(options.MaxRetries + 1, tries.Count);
        Assert.Equal(Azure.Core.RetryMode.Exponential, clientOptions.Retry.Mode);
        Assert.Equal(options.MaxRetries, clientOptions.Retry.MaxRetries);
        Assert.Equal(options.MaxRetryDelay, clientOptions.Retry.MaxDelay);
        // The SDK caps every wait, jitter included, at MaxDelay.
        var longestWaits = clientOptions.Retry.MaxDelay * clientOptions.Retry.MaxRetries;
        Assert.True(longestWaits < TimeSpan.FromSeconds(1), $"the retries may wait {longestWaits} in all");
    }

    [Fact]
    public async Task A_storage_that_accepts_but_never_answers_is_cut_at_the_network_timeout_as_an_outage()
    {
        using var stalled = new TcpListener(IPAddress.Loopback, 0);
        stalled.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await stalled.AcceptSocketAsync());
            }
        });
        var port = ((IPEndPoint)stalled.LocalEndpoint).Port;
        var client = StorageServiceCollectionExtensions.CreateServiceClient(new StorageOptions
        {
            ConnectionString = ConnectionString(port),
            NetworkTimeout = TimeSpan.FromMilliseconds(500),
            MaxRetries = 1,
        });
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.GetBlobContainerClient("sessions").ExistsAsync());

        watch.Stop();
        Assert.True(StorageUnavailability.IsUnavailable(failure), failure.ToString());
        // Two tries of 0.5 s and one short delay, not the SDK's 100 s per try.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
        foreach (var socket in accepted.ToArray())
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_an_outage()
    {
        using var stalled = new TcpListener(IPAddress.Loopback, 0);
        stalled.Start();
        var client = StorageServiceCollectionExtensions.CreateServiceClient(new StorageOptions
        {
            ConnectionString = ConnectionString(((IPEndPoint)stalled.LocalEndpoint).Port),
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var failure = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetBlobContainerClient("sessions").ExistsAsync(cancel.Token));

        Assert.False(StorageUnavailability.IsUnavailable(failure));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    public async Task A_status_from_storage_is_an_outage_only_when_a_retry_may_cure_it(HttpStatusCode status, bool outage)
    {
        var handler = new CountingHandler(status);
        var options = StorageServiceCollectionExtensions.CreateClientOptions(new StorageOptions());
        options.Transport = new HttpClientTransport(new HttpClient(handler));
        var client = new BlobServiceClient(ConnectionString(10000), options);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.GetBlobContainerClient("sessions").GetPropertiesAsync());

        Assert.Equal(outage, StorageUnavailability.IsUnavailable(failure));
        // Retried at most Storage:MaxRetries (2) times: bounded, whatever the status.
        Assert.InRange(handler.Requests, 1, 3);
    }

    [Fact]
    public void Failures_of_several_kinds_are_an_outage_only_when_each_one_is()
    {
        var refused = new RequestFailedException(0, "no response", new HttpRequestException("refused"));
        var forbidden = new RequestFailedException(403, "forbidden");

        Assert.True(StorageUnavailability.IsUnavailable(new AggregateException(refused, refused)));
        Assert.False(StorageUnavailability.IsUnavailable(new AggregateException(refused, forbidden)));
        Assert.False(StorageUnavailability.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.False(StorageUnavailability.IsUnavailable(new OperationCanceledException()));
        Assert.True(StorageUnavailability.IsUnavailable(new TaskCanceledException("timed out", new TimeoutException())));
        Assert.True(StorageUnavailability.IsUnavailable(new TaskCanceledException("exceeded the configured timeout", new TaskCanceledException())));
    }

    [Fact]
    public async Task The_start_up_check_names_the_unreachable_endpoint_without_the_key()
    {
        using var closed = new ClosedTcpPort();
        var port = closed.Port;
        var options = new StorageOptions { ConnectionString = ConnectionString(port) };
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var check = new StorageReachabilityCheck(StorageServiceCollectionExtensions.CreateServiceClient(options), Options.Create(options),
            factory.CreateLogger<StorageReachabilityCheck>());

        var reachable = await check.CheckAsync(CancellationToken.None);

        Assert.False(reachable);
        var warning = Assert.Single(logs.Messages, m => m.Contains("is not reachable", StringComparison.Ordinal));
        Assert.Contains($"Blob storage at http://127.0.0.1:{port}/devstoreaccount1 is not reachable", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(DevelopmentKey, warning, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_up_check_does_not_hold_up_the_host()
    {
        using var stalled = new TcpListener(IPAddress.Loopback, 0);
        stalled.Start();
        var options = new StorageOptions { ConnectionString = ConnectionString(((IPEndPoint)stalled.LocalEndpoint).Port) };
        using var check = new StorageReachabilityCheck(StorageServiceCollectionExtensions.CreateServiceClient(options), Options.Create(options),
            NullLogger<StorageReachabilityCheck>.Instance);

        var starting = check.StartAsync(CancellationToken.None);

        // Start-up is done at once while the check still waits on the stalled storage: an order, not a stopwatch, so a
        // loaded machine cannot fail it.
        Assert.True(starting.IsCompletedSuccessfully);
        Assert.False(check.ExecuteTask!.IsCompleted);
        await check.StopAsync(CancellationToken.None);
    }

    private static string ConnectionString(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>Counts the tries of each operation (it runs once per try, inside the retry policy).</summary>
    private sealed class TryCountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(Azure.Core.HttpMessage message) => Interlocked.Increment(ref _count);
    }

    private sealed class CountingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(string.Empty) });
        }
    }
}
