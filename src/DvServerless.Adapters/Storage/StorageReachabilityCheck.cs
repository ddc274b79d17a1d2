using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// At start-up, asks the Blob service once whether the sessions container exists and logs a warning naming the endpoint
/// (never a key or SAS) when storage does not answer. It runs beside start-up, not before it: the app serves requests
/// either way, answering 503 while storage is out (<see cref="StorageUnavailableMiddleware"/>), and a slow account must
/// not hold the host's start.
/// </summary>
public sealed partial class StorageReachabilityCheck : BackgroundService
{
    private readonly BlobServiceClient _service;
    private readonly StorageOptions _options;
    private readonly ILogger<StorageReachabilityCheck> _logger;

    /// <summary>Creates the check.</summary>
    public StorageReachabilityCheck(BlobServiceClient service, IOptions<StorageOptions> options, ILogger<StorageReachabilityCheck> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The endpoint of <paramref name="service"/> without its query (a SAS connection string puts its token there).</summary>
    public static string Endpoint(BlobServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Uri.GetLeftPart(UriPartial.Path);
    }

    /// <summary>Checks once; true when the Blob service answered (a refusal of access included: that is a reachable service).</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(_service);
        try
        {
            await _service.GetBlobContainerClient(_options.SessionsContainer).ExistsAsync(cancellationToken).ConfigureAwait(false);
            LogReachable(endpoint);
            return true;
        }
        catch (Exception e) when (StorageUnavailability.IsUnavailable(e))
        {
            LogUnreachable(endpoint, StorageUnavailableResponder.Describe(e));
            return false;
        }
        catch (RequestFailedException e)
        {
            // Answered, but not with the container: the identity or key is likely wrong; requests will fail the same way.
            LogRefused(endpoint, e.Status);
            return true;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting first; the check is advice, not a gate.
        await Task.Yield();
        try
        {
            await CheckAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A failing check (a credential that cannot get a token, say) must never stop the app.
            LogCheckFailed(Endpoint(_service), e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 8502, Level = LogLevel.Warning,
        Message = "Blob storage at {Endpoint} is not reachable ({Failure}); requests that need it answer 503 until it is. Check Storage:ConnectionString / Storage:BlobServiceUri, or start Azurite locally.")]
    private partial void LogUnreachable(string endpoint, string failure);

    [LoggerMessage(EventId = 8503, Level = LogLevel.Warning,
        Message = "Blob storage at {Endpoint} answered {Status} to the start-up check: the app's identity or key may lack access.")]
    private partial void LogRefused(string endpoint, int status);

    [LoggerMessage(EventId = 8504, Level = LogLevel.Warning, Message = "The start-up check of Blob storage at {Endpoint} failed ({Failure}).")]
    private partial void LogCheckFailed(string endpoint, string failure);

    [LoggerMessage(EventId = 8505, Level = LogLevel.Debug, Message = "Blob storage at {Endpoint} is reachable.")]
    private partial void LogReachable(string endpoint);
}
