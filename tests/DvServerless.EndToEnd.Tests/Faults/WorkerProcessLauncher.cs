using DvServerless.Cli.LocalStack;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests.Faults;

/// <summary>
/// Runs a <see cref="LocalStack"/>'s media worker as its own OS process (the built <c>DvServerless.MediaWorker.dll</c>,
/// configured through its environment): pass <see cref="LaunchAsync"/> as <see cref="LocalStackOptions.MediaWorkerLauncher"/>,
/// then stop or kill <see cref="Worker"/> as a platform would.
/// </summary>
internal sealed class WorkerProcessLauncher
{
    private MediaWorkerProcess? _worker;

    /// <summary>The worker process, once the stack has started it.</summary>
    public MediaWorkerProcess Worker => _worker ?? throw new InvalidOperationException("The stack has not started the worker yet.");

    /// <summary>Starts the worker process for the stack and waits until it answers <c>/healthz</c>.</summary>
    public async Task<IAsyncDisposable> LaunchAsync(MediaWorkerLaunch launch, CancellationToken cancellationToken)
    {
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.MediaWorker", "DvServerless.MediaWorker.dll");
        _worker = await MediaWorkerProcess.StartAsync(assembly, launch.Settings, launch.Url, cancellationToken);
        return _worker;
    }
}
