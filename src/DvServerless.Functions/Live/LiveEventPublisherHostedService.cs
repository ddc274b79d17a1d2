using DvServerless.Core.Live;

namespace DvServerless.Functions.Live;

/// <summary>
/// Starts and stops the app's <see cref="ILiveEventPublisher"/> with the host when it runs in the background (the REST
/// publisher's sender); resolving it at start makes a malformed <c>Azure:SignalR:ConnectionString</c> stop the app there.
/// </summary>
public sealed class LiveEventPublisherHostedService : IHostedService
{
    private readonly IHostedService? _publisher;

    /// <summary>Wraps <paramref name="publisher"/>.</summary>
    public LiveEventPublisherHostedService(ILiveEventPublisher publisher) => _publisher = publisher as IHostedService;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => _publisher?.StartAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _publisher?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
