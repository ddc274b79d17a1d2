namespace DvServerless.Adapters.Storage;

/// <summary>
/// A storage operation on an HTTP request's path given up without (another) answer from storage: the account did not
/// answer within <see cref="StorageOptions.RequestBudget"/>, or <see cref="StorageCircuitBreaker"/> holds it as out.
/// <see cref="StorageUnavailability"/> counts it as an outage, so the request is answered 503 with <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// Its own type rather than a <see cref="Azure.RequestFailedException"/> with status 0: Azure.Core retries that status, and
/// retrying a request that was never sent would spend the budget on delays.
/// </remarks>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public StorageUnavailableException()
        : this("Storage is unavailable.")
    {
    }

    /// <summary>Creates the exception; <paramref name="message"/> must be short and free of URLs and secrets (it is logged).</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the failure of the last try.</summary>
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
