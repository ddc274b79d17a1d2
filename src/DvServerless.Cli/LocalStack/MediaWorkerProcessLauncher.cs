namespace DvServerless.Cli.LocalStack;

/// <summary>
/// Runs a <see cref="LocalStack"/>'s media workers as OS processes of their own: pass <see cref="LaunchAsync"/> as
/// <see cref="LocalStackOptions.MediaWorkerLauncher"/>, then measure, stop or kill <see cref="Workers"/> as a platform would.
/// </summary>
public sealed class MediaWorkerProcessLauncher
{
    private readonly string _assembly;
    private readonly Action<string>? _echo;
    private readonly List<(MediaWorkerProcess Process, MediaWorkerLaunch Launch)> _workers = [];

    /// <summary>
    /// A launcher of the worker at <paramref name="assembly"/> (default: <see cref="MediaWorkerProcess.BuiltAssembly"/>),
    /// each worker's output lines sent to <paramref name="echo"/>. Settings of its own come through the stack
    /// (<see cref="LocalStackOptions.AppSettings"/>), as for an in-process worker.
    /// </summary>
    public MediaWorkerProcessLauncher(string? assembly = null, Action<string>? echo = null)
    {
        _assembly = assembly ?? MediaWorkerProcess.BuiltAssembly;
        _echo = echo;
    }

    /// <summary>The (first) worker process, once the stack has started it.</summary>
    public MediaWorkerProcess Worker => Workers.Count > 0 ? Workers[0] : throw new InvalidOperationException("The stack has not started the worker yet.");

    /// <summary>
    /// Every worker process the stack runs, in order (<see cref="LocalStackOptions.Workers"/>). A worker the stack stopped
    /// is gone from it: one started by an attempt the stack gave up on (a port taken meanwhile), or all of them once the
    /// stack is disposed.
    /// </summary>
    public IReadOnlyList<MediaWorkerProcess> Workers
    {
        get
        {
            lock (_workers)
            {
                return _workers.Select(worker => worker.Process).ToArray();
            }
        }
    }

    /// <summary>What the stack asked of the first worker: its settings and its public and internal URLs.</summary>
    public MediaWorkerLaunch Launch
    {
        get
        {
            lock (_workers)
            {
                return _workers.Count > 0 ? _workers[0].Launch : throw new InvalidOperationException("The stack has not started the worker yet.");
            }
        }
    }

    /// <summary>
    /// Starts a worker process for the stack and waits until it answers <c>/healthz</c>. Disposing what it returns (the
    /// stack does, when it stops) stops the process and drops it from <see cref="Workers"/>.
    /// </summary>
    public async Task<IAsyncDisposable> LaunchAsync(MediaWorkerLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var worker = await MediaWorkerProcess.StartAsync(_assembly, launch.Settings, launch.Url, cancellationToken, _echo).ConfigureAwait(false);
        lock (_workers)
        {
            _workers.Add((worker, launch));
        }

        return new LaunchedWorker(this, worker);
    }

    private void Forget(MediaWorkerProcess worker)
    {
        lock (_workers)
        {
            _workers.RemoveAll(entry => ReferenceEquals(entry.Process, worker));
        }
    }

    // Without this, the worker of an abandoned start stayed first in the list: `dvs load` probed that exited process and
    // a test that killed "the worker" killed nothing.
    private sealed class LaunchedWorker(MediaWorkerProcessLauncher launcher, MediaWorkerProcess worker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            launcher.Forget(worker);
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }
}
