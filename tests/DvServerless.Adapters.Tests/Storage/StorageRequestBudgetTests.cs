using System.Diagnostics;
using System.Net;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// The Blob client on an HTTP request's path (<see cref="InteractiveStorageScope"/>) gives a stalled, slow or out account
/// up within <see cref="StorageOptions.RequestBudget"/>, and at once while storage is held as out, then serves again as
/// soon as a trial is answered; background work outside a request keeps the longer timeout and retries, so nothing it
/// writes is given up while storage could still take it. Storage here is a fake transport; the stalls run on the real
/// clock (Azure.Core cuts a try on it), the breaker's periods on a fake one.
/// </summary>
[Collection(StorageTimingGroup.Name)]
public sealed class StorageRequestBudgetTests
{
    // A stalled try's network timeout in the tests that time the budget: far enough beyond the 800 ms budget that a
    // bound between them holds on a busy machine.
    private static readonly TimeSpan StalledTryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WellWithinStalledTry = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_stalled_storage_fails_a_request_paths_operation_within_its_budget_as_an_outage()
    {
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Stall };
        // The 800 ms budget against a network timeout far beyond it: a try the budget did not cut would take 30 s, so
        // the bound below leaves a busy machine seconds of slack (CI runs measured up to 1.7 s) and still tells the two
        // apart. With the defaults (3 s, two retries) the same stall took 9 s and more before the budget.
        var client = Client(storage, new StorageOptions { NetworkTimeout = StalledTryTimeout });
        await WarmUpAsync(client, storage);
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => InRequestAsync(() => client.GetBlobContainerClient("sessions").ExistsAsync()));

        watch.Stop();
        Assert.True(StorageUnavailability.IsUnavailable(failure), failure.ToString());
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.7), WellWithinStalledTry);
        // One try took the whole budget: no retry was begun that could not finish within it.
        Assert.Equal(1, storage.Requests);
    }

    [Fact]
    public async Task Once_a_requests_operation_is_given_up_its_later_operations_are_given_up_at_once()
    {
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Stall };
        var client = Client(storage, new StorageOptions { NetworkTimeout = StalledTryTimeout });
        await WarmUpAsync(client, storage);
        var watch = Stopwatch.StartNew();

        // A webhook that shrugs off a failed counter read and goes on to read the session, on a stalled account.
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => InRequestAsync(async () =>
        {
            await Assert.ThrowsAnyAsync<Exception>(() => client.GetBlobContainerClient("counters").ExistsAsync());
            return await client.GetBlobContainerClient("sessions").ExistsAsync();
        }));

        watch.Stop();
        Assert.IsType<StorageUnavailableException>(failure);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.7), WellWithinStalledTry);
        Assert.Equal(1, storage.Requests);
    }

    [Fact]
    public async Task The_same_stall_holds_background_work_for_its_full_timeout_and_retries()
    {
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Stall };
        var client = Client(storage, new StorageOptions { NetworkTimeout = TimeSpan.FromSeconds(1), MaxRetries = 1 });
        await WarmUpAsync(client, storage);
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.GetBlobContainerClient("transcripts").ExistsAsync());

        watch.Stop();
        Assert.True(StorageUnavailability.IsUnavailable(failure), failure.ToString());
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"took {watch.Elapsed}");
        Assert.Equal(2, storage.Requests);
    }

    [Fact]
    public async Task A_slow_storage_is_an_outage_on_a_request_path_but_a_transcript_append_waits_for_its_answer()
    {
        // Answers in 4 s, within a 10 s network timeout: the request gives up at the 800 ms budget, seconds before the
        // answer, so a busy machine's slack cannot pass for waiting on it.
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Answer, AnswerDelay = TimeSpan.FromSeconds(4) };
        var client = Client(storage, new StorageOptions { NetworkTimeout = TimeSpan.FromSeconds(10) });
        var sink = new BlobCallRecordSink(client.GetBlobContainerClient("transcripts"), NullLogger<BlobCallRecordSink>.Instance);
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => InRequestAsync(async () =>
        {
            await sink.AppendAsync("call-1", new Core.Records.CallRecordEntry { Kind = "turn", Text = "hello" });
            return true;
        }));

        Assert.True(StorageUnavailability.IsUnavailable(failure), failure.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");

        // The call's record writer appends outside any request: it waits the 4 s per answer and the entry is written.
        var before = storage.Requests;
        await sink.AppendAsync("call-1", new Core.Records.CallRecordEntry { Kind = "turn", Text = "hello" });
        Assert.Equal(2, storage.Requests - before);
    }

    [Fact]
    public async Task A_busy_storage_that_answers_others_while_a_request_waits_is_waited_for_not_held_as_out()
    {
        // A burst of calls on one account: this request's try waits past the budget while other operations are answered.
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Stall };
        var breaker = new StorageCircuitBreaker(new StorageOptions { BreakAfterFailures = 1 }, TimeProvider.System, NullLogger<StorageCircuitBreaker>.Instance);
        var client = Client(storage, new StorageOptions { BreakAfterFailures = 1 }, breaker);
        await WarmUpAsync(client, storage);
        var watch = Stopwatch.StartNew();

        var request = InRequestAsync(() => client.GetBlobContainerClient("sessions").ExistsAsync());
        await Task.Delay(200);
        storage.Status = HttpStatusCode.OK;
        storage.Behaviour = StorageBehaviour.Answer;
        await client.GetBlobContainerClient("transcripts").ExistsAsync(); // background work, answered while the request waits

        var exists = await request;

        Assert.True(exists.Value);
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(0.8), $"took {watch.Elapsed}: the first try should have been cut at the budget");
        Assert.Equal(3, storage.Requests); // the request's cut try, its second try, the background operation
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public async Task A_requests_work_past_its_point_of_no_return_waits_for_a_slow_storage_and_the_budget_applies_again_after_it()
    {
        // Slower than the budget, within the network timeout: a burst on one account.
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Answer, Status = HttpStatusCode.OK, AnswerDelay = TimeSpan.FromSeconds(1.2) };
        var client = Client(storage, new StorageOptions());
        var sessions = client.GetBlobContainerClient("sessions");

        var (beforeFailed, suspendedAnswered, afterFailed) = await InRequestAsync(async () =>
        {
            var before = await FailsAsync(() => sessions.ExistsAsync());
            bool answered;
            using (InteractiveStorageScope.Suspend())
            {
                // A webhook that committed to a call: a 503 now would leave it decided and not carried out.
                Assert.False(InteractiveStorageScope.IsActive);
                answered = (await sessions.ExistsAsync()).Value;
            }

            Assert.True(InteractiveStorageScope.IsActive);
            var after = await FailsAsync(() => sessions.ExistsAsync());
            return (before, answered, after);
        });

        Assert.True(beforeFailed, "the slow answer should be given up at the budget before the suspension");
        Assert.True(suspendedAnswered);
        // The request had given storage up; once its suspension ends, its operations are given up at once again.
        Assert.True(afterFailed);
        Assert.Equal(2, storage.Requests);
    }

    private static async Task<bool> FailsAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            await operation();
            return false;
        }
        catch (Exception e) when (StorageUnavailability.IsUnavailable(e))
        {
            return true;
        }
    }

    [Fact]
    public async Task Once_storage_is_held_as_out_requests_fail_at_once_without_reaching_it_then_a_trial_brings_them_back()
    {
        var time = new FakeTimeProvider();
        var options = new StorageOptions { BreakAfterFailures = 3, BreakDuration = TimeSpan.FromSeconds(1) };
        var breaker = new StorageCircuitBreaker(options, time, NullLogger<StorageCircuitBreaker>.Instance);
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Refuse };
        var container = Client(storage, options, breaker).GetBlobContainerClient("sessions");

        // A refused connection: the try and its two retries fail, which is the three failures in a row.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => InRequestAsync(() => container.ExistsAsync()));
        Assert.True(StorageUnavailability.IsUnavailable(refused), refused.ToString());
        Assert.Equal(3, storage.Requests);
        Assert.True(breaker.IsOpen);

        var held = await Assert.ThrowsAsync<StorageUnavailableException>(() => InRequestAsync(() => container.ExistsAsync()));
        Assert.True(StorageUnavailability.IsUnavailable(held));
        Assert.Equal(3, storage.Requests);

        // Storage is back (it answers, here 404: the container is not there), but not yet tried.
        storage.Behaviour = StorageBehaviour.Answer;
        storage.Status = HttpStatusCode.NotFound;
        time.Advance(options.BreakDuration - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => InRequestAsync(() => container.ExistsAsync()));
        Assert.Equal(3, storage.Requests);

        // The first request after the break is the trial: it is served, and so is everything after it.
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await InRequestAsync(() => container.ExistsAsync()));
        Assert.False(breaker.IsOpen);
        Assert.False(await InRequestAsync(() => container.ExistsAsync()));
        Assert.Equal(5, storage.Requests);
    }

    [Fact]
    public async Task Background_work_still_reaches_storage_while_requests_are_refused()
    {
        var time = new FakeTimeProvider();
        var options = new StorageOptions { BreakAfterFailures = 1 };
        var breaker = new StorageCircuitBreaker(options, time, NullLogger<StorageCircuitBreaker>.Instance);
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Refuse };
        var client = Client(storage, options, breaker);
        var sink = new BlobCallRecordSink(client.GetBlobContainerClient("transcripts"), NullLogger<BlobCallRecordSink>.Instance);
        await Assert.ThrowsAnyAsync<Exception>(() => InRequestAsync(() => client.GetBlobContainerClient("sessions").ExistsAsync()));
        Assert.True(breaker.IsOpen);

        // The record writer's try in the outage meets storage itself (refused, all three tries) and so retries later...
        var before = storage.Requests;
        var outage = await Assert.ThrowsAnyAsync<Exception>(() => sink.AppendAsync("call-2", new Core.Records.CallRecordEntry { Kind = "turn", Text = "kept" }));
        Assert.True(StorageUnavailability.IsUnavailable(outage), outage.ToString());
        Assert.Equal(3, storage.Requests - before);

        // ...and its next try, once storage answers, is written though requests are still held off.
        storage.Behaviour = StorageBehaviour.Answer;
        await sink.AppendAsync("call-2", new Core.Records.CallRecordEntry { Kind = "turn", Text = "kept" });
        Assert.True(breaker.IsOpen);
    }

    [Fact]
    public async Task A_busy_storage_asking_for_a_wait_is_an_outage_at_once_on_a_request_path()
    {
        var storage = new FakeStorageHandler { Behaviour = StorageBehaviour.Answer, Status = HttpStatusCode.ServiceUnavailable, RetryAfterSeconds = 10 };
        var client = Client(storage, new StorageOptions());
        await WarmUpAsync(client, storage);
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => InRequestAsync(() => client.GetBlobContainerClient("sessions").ExistsAsync()));

        Assert.True(StorageUnavailability.IsUnavailable(failure), failure.ToString());
        // Not after the 10 s the account asked for: the retry policy would have waited it out.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(1, storage.Requests);
    }

    private static BlobServiceClient Client(FakeStorageHandler storage, StorageOptions options, StorageCircuitBreaker? breaker = null)
    {
        var clientOptions = StorageServiceCollectionExtensions.CreateClientOptions(options, breaker);
        clientOptions.Transport = new HttpClientTransport(new HttpClient(storage));
        return new BlobServiceClient(StorageTestAccount.ConnectionString(10000), clientOptions);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> as a request does. An async method: the scope it opens ends with it, as a
    /// request's does when the middleware returns.
    /// </summary>
    private static async Task<T> InRequestAsync<T>(Func<Task<T>> operation)
    {
        using var scope = InteractiveStorageScope.Begin();
        return await operation();
    }

    /// <summary>
    /// Sends one operation the fake answers at once, so the storage client's code is compiled before a test times one
    /// (over a second on a loaded machine), then forgets it.
    /// </summary>
    private static async Task WarmUpAsync(BlobServiceClient client, FakeStorageHandler storage)
    {
        var behaviour = storage.Behaviour;
        var status = storage.Status;
        storage.Behaviour = StorageBehaviour.Answer;
        storage.Status = HttpStatusCode.NotFound;
        var retryAfter = storage.RetryAfterSeconds;
        storage.RetryAfterSeconds = null;
        await client.GetBlobContainerClient("warm-up").ExistsAsync();
        storage.Behaviour = behaviour;
        storage.Status = status;
        storage.RetryAfterSeconds = retryAfter;
        storage.ResetCount();
    }
}
