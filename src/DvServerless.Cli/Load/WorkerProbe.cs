using System.Diagnostics;

namespace DvServerless.Cli.Load;

/// <summary>
/// Reads the media worker process that a load runs against: its CPU time, resident memory and threads from the operating
/// system, everything else from its own <c>/metrics</c> on the internal port (the figures an operator's Prometheus would
/// read). The worker runs apart from the simulators and the Functions app, so these are the gateway's costs alone.
/// </summary>
public sealed class WorkerProbe : IDisposable
{
    private readonly Process _process;
    private readonly Uri _metrics;
    private readonly HttpClient _http;
    private readonly object _gate = new();
    private WorkerProcessSample? _last;

    /// <summary>A probe of process <paramref name="processId"/>, whose internal port answers at <paramref name="internalUrl"/>.</summary>
    public WorkerProbe(int processId, Uri internalUrl, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(internalUrl);
        ArgumentNullException.ThrowIfNull(http);
        _process = Process.GetProcessById(processId);
        _metrics = new Uri(internalUrl, "/metrics");
        _http = http;
    }

    /// <summary>The worker's CPU time, resident memory and OS threads now; once it has exited, the last reading.</summary>
    public WorkerProcessSample ReadProcess()
    {
        lock (_gate)
        {
            try
            {
                _process.Refresh();
                _last = new WorkerProcessSample(_process.TotalProcessorTime, _process.WorkingSet64, _process.Threads.Count);
            }
            catch (InvalidOperationException) when (_last is not null)
            {
                // The process has exited: what it used up to then stands.
            }

            return _last ?? throw new InvalidOperationException("The worker process could not be read.");
        }
    }

    /// <summary>Reads the worker's <c>/metrics</c>.</summary>
    public async Task<PrometheusScrape> ScrapeAsync(CancellationToken cancellationToken)
    {
        var text = await _http.GetStringAsync(_metrics, cancellationToken).ConfigureAwait(false);
        return PrometheusScrape.Parse(text);
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();
}
