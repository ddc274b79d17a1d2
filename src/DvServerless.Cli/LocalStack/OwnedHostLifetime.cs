using Microsoft.Extensions.Hosting;

namespace DvServerless.Cli.LocalStack;

/// <summary>
/// The lifetime of an app that <c>dvs</c> hosts in its own process: started and stopped by <c>dvs</c>, never by a signal.
/// The default console lifetime takes SIGINT and SIGTERM for itself and stops only its own app, so Ctrl+C or a SIGTERM
/// stopped the in-process Functions app while <c>dvs load</c> went on waiting for calls that could no longer end, and
/// the process never exited.
/// </summary>
internal sealed class OwnedHostLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
