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
    private readonly List<MediaWorkerProcess> _workers = [];

    /// <summary>The (first) worker process, once the stack has started it.</summary>
    public MediaWorkerProcess Worker => _workers.Count > 0 ? _workers[0] : throw new InvalidOperationException("The stack has not started the worker yet.");

    /// <summary>Every worker process the stack started, in order (<see cref="LocalStackOptions.Workers"/>).</summary>
    public IReadOnlyList<MediaWorkerProcess> Workers => _workers;

    /// <summary>Starts the worker process for the stack and waits until it answers <c>/healthz</c>.</summary>
    public async Task<IAsyncDisposable> LaunchAsync(MediaWorkerLaunch launch, CancellationToken cancellationToken)
    {
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.MediaWorker", "DvServerless.MediaWorker.dll");
        var worker = await MediaWorkerProcess.StartAsync(assembly, launch.Settings, launch.Url, cancellationToken);
        _workers.Add(worker);
        return worker;
    }
}
