using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// The Blob client's per-try policy for operations on an HTTP request's path (<see cref="InteractiveStorageScope"/>): each
/// try is admitted by <see cref="StorageCircuitBreaker"/> and reports its outcome to it, and is cut at what is left of
/// <see cref="StorageOptions.RequestBudget"/> (Azure.Core's per-message <see cref="HttpMessage.NetworkTimeout"/>), so one
/// operation against a stalled account ends within the budget instead of <see cref="StorageOptions.NetworkTimeout"/> times
/// every try; once one is given up, the request's later operations are given up at once. A slow account that still
/// answers within the budget is served, slowly: the budget bounds waiting on no answer, not a request's whole work. An
/// account that answered other operations while a try waited past the budget is busy, not out (a burst of calls): that
/// operation waits as long as background work does instead of failing the request.
/// Operations outside a scope pass through untouched: they keep the client's timeout and retries.
/// </summary>
/// <remarks>
/// Per try, after Azure.Core's retry policy: the retry policy still retries a refused connection or a 503 while the budget
/// lasts, and a <see cref="StorageUnavailableException"/> thrown here is not a failure it retries, so it ends the operation.
/// </remarks>
internal sealed class StorageRequestBudgetPolicy : HttpPipelinePolicy
{
    private readonly StorageCircuitBreaker _breaker;
    private readonly TimeSpan _budget;
    private readonly TimeSpan _networkTimeout;
    private readonly TimeSpan _maxRetryDelay;

    public StorageRequestBudgetPolicy(StorageOptions options, StorageCircuitBreaker breaker)
    {
        _breaker = breaker;
        _budget = options.RequestBudget;
        _networkTimeout = options.NetworkTimeout;
        _maxRetryDelay = options.MaxRetryDelay;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        // Decided once per operation, at its first try: a request that ends while its operation retries does not turn
        // the rest of that operation into background work with a longer timeout.
        if (!message.TryGetProperty(typeof(Operation), out var stamped) || stamped is not Operation operation)
        {
            operation = new Operation(InteractiveStorageScope.Active, _breaker.Time.GetTimestamp());
            message.SetProperty(typeof(Operation), operation);
        }

        if (operation.Scope is null)
        {
            await NextAsync(message, pipeline, async).ConfigureAwait(false);
            _breaker.Answered();
            return;
        }

        try
        {
            await TryAsync(message, pipeline, operation, async).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            operation.Scope.GiveUpStorage();
            throw;
        }
    }

    private async ValueTask TryAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, Operation operation, bool async)
    {
        if (operation.Scope!.StorageGivenUp)
        {
            throw new StorageUnavailableException("storage did not answer an earlier operation of this request");
        }

        var left = Left(operation);
        if (left <= TimeSpan.Zero)
        {
            throw new StorageUnavailableException(NoAnswerWithinBudget());
        }

        if (!_breaker.TryAdmit(out var trial))
        {
            throw new StorageUnavailableException("storage is held as out after failed tries; a trial is let through shortly");
        }

        message.NetworkTimeout = left < _networkTimeout ? left : _networkTimeout;
        var sentAt = _breaker.Time.GetTimestamp();
        try
        {
            await NextAsync(message, pipeline, async).ConfigureAwait(false);
            _breaker.Answered();
        }
        catch (Exception e) when (!message.CancellationToken.IsCancellationRequested && IsNoAnswer(e))
        {
            if (!operation.Extended && _breaker.AnsweredSince(sentAt))
            {
                // Storage answered other operations while this one waited: it is busy (a burst of calls on one account),
                // not out. A 503 now would cost the caller a redelivery (Event Grid's first comes 10 s later); the
                // operation gets the background timeout instead, once, and the retry policy sends it again. A stalled
                // account answers nobody, so it is still cut at the budget and counted.
                _breaker.Abandoned(trial);
                operation.Extended = true;
                throw;
            }

            _breaker.Failed(trial, StorageUnavailableResponder.Describe(e));
            if (Left(operation) < _maxRetryDelay)
            {
                // No retry fits in what is left (a delay, then an answer): say so now rather than after the delay.
                throw new StorageUnavailableException(NoAnswerWithinBudget(), e);
            }

            throw;
        }
        catch
        {
            // The caller's cancellation, or a fault of ours: nothing learnt about storage.
            _breaker.Abandoned(trial);
            throw;
        }

        var status = message.Response.Status;
        if (status is not (408 or 429 or >= 500))
        {
            _breaker.Succeeded(trial);
            return;
        }

        _breaker.Failed(trial, "status " + status.ToString(CultureInfo.InvariantCulture));
        // A busy account's Retry-After (honoured by the retry policy, and longer than any budget) or no time left for
        // another try: the answer is a 503 now, not after a wait.
        if (Left(operation) < _maxRetryDelay || HasRetryAfter(message.Response))
        {
            throw new StorageUnavailableException("storage answered " + status.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static bool IsNoAnswer(Exception e) =>
        e is IOException || StorageUnavailability.IsUnavailable(e);

    private static bool HasRetryAfter(Response response) =>
        response.Headers.Contains("Retry-After") || response.Headers.Contains("retry-after-ms") || response.Headers.Contains("x-ms-retry-after-ms");

    private static async ValueTask NextAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        if (async)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        else
        {
            ProcessNext(message, pipeline);
        }
    }

    // An operation that met a busy account waits as background work does: each try its network timeout, as many tries as
    // the retry policy allows.
    private TimeSpan Left(Operation operation) =>
        operation.Extended ? TimeSpan.MaxValue : _budget - _breaker.Time.GetElapsedTime(operation.StartedAt);

    private string NoAnswerWithinBudget() =>
        "storage did not answer within " + _budget.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>
    /// The request an operation runs for (null: background work), when its first try was sent, and whether it met a busy
    /// account and so waits as long as background work does.
    /// </summary>
    private sealed record Operation(InteractiveStorageScope? Scope, long StartedAt)
    {
        public bool Extended { get; set; }
    }
}
