using System.Diagnostics;
using DvServerless.Core.Hosting;

namespace DvServerless.Simulators.Azurite;

/// <summary>
/// Starts Azurite's Blob and Queue services (npm <c>azurite</c>) as child processes on loopback ports, in memory, and
/// stops them on dispose. Looks for <c>node_modules/.bin/azurite-blob</c> above the working folder and the app folder,
/// then on PATH; <c>azurite-queue</c> is its sibling.
/// </summary>
/// <remarks>
/// Two processes rather than one <c>azurite</c>: each service keeps its own port, and the Blob service can be stopped
/// and restarted on its port (a storage outage in tests) without the queues.
/// </remarks>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's published development account name.</summary>
    public const string AccountName = "devstoreaccount1";

    // Azurite's published development account key (the same for every Azurite install; not a secret).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // Node starts each service in well under a second; a loaded CI machine can take many times that.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _blob;
    private readonly Process _queue;

    private AzuriteProcess(Process blob, int blobPort, Process queue, int queuePort)
    {
        _blob = blob;
        _queue = queue;
        BlobPort = blobPort;
        QueuePort = queuePort;
    }

    /// <summary>The Blob service port.</summary>
    public int BlobPort { get; }

    /// <summary>The Queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>A storage connection string for this instance: its Blob and Queue endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};";

    /// <summary>
    /// Freezes the Blob service (SIGSTOP): connections are accepted by the kernel but nothing is answered, as when storage
    /// stalls under load; <see cref="ResumeBlobAsync"/> lets it go on with its data intact. For fault tests; Linux and macOS.
    /// </summary>
    public Task SuspendBlobAsync(CancellationToken cancellationToken = default) => SignalAsync(_blob, "-STOP", cancellationToken);

    /// <summary>Lets a suspended Blob service go on (SIGCONT).</summary>
    public Task ResumeBlobAsync(CancellationToken cancellationToken = default) => SignalAsync(_blob, "-CONT", cancellationToken);

    /// <summary>A storage connection string with the Blob endpoint only (what an app without queues sees).</summary>
    public string BlobConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};";

    /// <summary>
    /// Finds the <c>azurite-blob</c> executable, or null when it is not installed: in <c>node_modules/.bin</c> above the
    /// working folder, the app folder or <paramref name="searchFrom"/>, then on PATH.
    /// </summary>
    public static string? FindExecutable(params string?[] searchFrom)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory }.Concat(searchFrom).OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite-blob");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(folder, "azurite-blob");
            if (folder.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Starts Azurite's Blob service on <paramref name="blobPort"/> (0 = a port the system chooses as Azurite binds it) and
    /// its Queue service on a port the system chooses, and waits until both say they listen.
    /// </summary>
    /// <remarks>
    /// Ports are not probed and handed over: Azurite binds port 0 and reports the port it got, so two test runs or a
    /// stack next to CI cannot be given the same port. A fixed <paramref name="blobPort"/> that is taken fails with an
    /// <see cref="IOException"/> that <see cref="PortConflict.IsCause"/> recognises.
    /// </remarks>
    public static async Task<AzuriteProcess> StartAsync(int blobPort = 0, string? searchFrom = null, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable(searchFrom) ?? throw new InvalidOperationException(
            "Azurite is not installed. Run `npm install` in the repository root (package.json lists azurite), or `npm install -g azurite`.");
        var queueExecutable = Path.Combine(Path.GetDirectoryName(executable)!, "azurite-queue");
        if (!File.Exists(queueExecutable))
        {
            throw new InvalidOperationException($"Azurite's Queue service ({queueExecutable}) is not installed next to its Blob service.");
        }

        var blob = AzuriteServiceProcess.Start(executable, "blob", blobPort);
        AzuriteServiceProcess? queue = null;
        try
        {
            queue = AzuriteServiceProcess.Start(queueExecutable, "queue", 0);
            var boundBlobPort = await blob.WaitListeningAsync(blobPort, StartTimeout, cancellationToken).ConfigureAwait(false);
            var queuePort = await queue.WaitListeningAsync(0, StartTimeout, cancellationToken).ConfigureAwait(false);
            return new AzuriteProcess(blob.Process, boundBlobPort, queue.Process, queuePort);
        }
        catch
        {
            await StopAsync(blob.Process).ConfigureAwait(false);
            if (queue is not null)
            {
                await StopAsync(queue.Process).ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task SignalAsync(Process process, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Stops Azurite.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(_blob).ConfigureAwait(false);
        await StopAsync(_queue).ConfigureAwait(false);
    }

    private static async Task StopAsync(Process process)
    {
        Stop(process);
        try
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already disposed.
        }

        process.Dispose();
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
