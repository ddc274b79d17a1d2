using System.Diagnostics;

namespace DvServerless.Cli.LocalStack;

/// <summary>
/// The built media worker running as its own OS process (<c>dotnet DvServerless.MediaWorker.dll</c>, configured through
/// environment variables as a container is): <c>dvs load</c> measures it apart from the simulators, and a test can stop it
/// as a platform does (SIGTERM on a redeploy, SIGKILL when a node dies). The last lines of its console log are kept.
/// </summary>
public sealed class MediaWorkerProcess : IAsyncDisposable
{
    // Enough to show why a start failed; a load run's worker logs for many minutes and must not grow this process.
    private const int KeptLines = 2000;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly Action<string>? _echo;

    private MediaWorkerProcess(Process process, Uri url, Action<string>? echo)
    {
        _process = process;
        Url = url;
        _echo = echo;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The worker's public URL.</summary>
    public Uri Url { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// The worker built beside this program (<c>DvServerless.MediaWorker.dll</c>: the CLI and the test projects reference
    /// the worker, so its assembly and runtime configuration are copied next to theirs).
    /// </summary>
    public static string BuiltAssembly => Path.Combine(AppContext.BaseDirectory, "DvServerless.MediaWorker.dll");

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the worker wrote so far (its last 2,000 lines).</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet <paramref name="assembly"/></c> listening on <paramref name="url"/> with <paramref name="settings"/>
    /// (configuration keys, passed as <c>Section__Key</c> environment variables) and waits until <c>/healthz</c> answers;
    /// every line it writes also goes to <paramref name="echo"/> when given.
    /// </summary>
    public static async Task<MediaWorkerProcess> StartAsync(string assembly, IReadOnlyDictionary<string, string?> settings, Uri url,
        CancellationToken cancellationToken, Action<string>? echo = null)
    {
        var worker = new MediaWorkerProcess(Process.Start(StartInfo(assembly, settings, url)) ?? throw new InvalidOperationException("dotnet did not start."), url, echo);
        try
        {
            await worker.WaitUntilHealthyAsync(cancellationToken).ConfigureAwait(false);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// How <see cref="StartAsync"/> starts the worker: <c>dotnet <paramref name="assembly"/> --urls <paramref name="url"/></c>,
    /// <paramref name="settings"/> as environment variables, stdin a pipe this process holds (so the worker ends with it).
    /// </summary>
    internal static ProcessStartInfo StartInfo(string assembly, IReadOnlyDictionary<string, string?> settings, Uri url)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(url);
        var info = new ProcessStartInfo("dotnet")
        {
            // The worker's stdin is a pipe whose write end only this process holds, and nothing is ever written to it: when
            // this process ends, however it ends (SIGKILL too), the OS closes that end, the worker reads end-of-file and stops
            // (MediaWorker:ExitWhenStdinEnds) instead of living on as an orphan holding its ports.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url.ToString().TrimEnd('/'));

        // A local stack's worker must never reach a real model, whatever the developer's shell holds.
        foreach (var key in new[] { "OPENAI_API_KEY", "OpenAI__ApiKey", "AzureOpenAI__Endpoint", "AzureOpenAI__ApiKey" })
        {
            info.Environment.Remove(key);
        }

        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["MediaWorker__ExitWhenStdinEnds"] = "true";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return info;
    }

    /// <summary>Sends SIGTERM, as Container Apps does to a replica it replaces or scales in.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("kill did not start.");
        var error = await kill.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {Id} failed: {error}");
        }
    }

    /// <summary>
    /// Closes this process's end of the worker's stdin, as the OS does when this process dies: the worker then stops on its
    /// own (tests).
    /// </summary>
    internal void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>Sends SIGKILL: the process dies at once, nothing runs after.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the process to end; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        // Loopback only: no proxy from the environment in between.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri(Url, "/healthz");
        while (true)
        {
            if (_process.HasExited)
            {
                // The untimed wait also drains the redirected output, which may still hold the reason.
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                var output = Output;
                if (Core.Hosting.PortConflict.IsReportedIn(output))
                {
                    // Another process took the port after it was chosen: LocalStack starts again on fresh ports.
                    throw Core.Hosting.PortConflict.Exception("The media worker", Url.Port);
                }

                throw new InvalidOperationException($"The worker exited with {_process.ExitCode} while starting:\n{output}");
            }

            try
            {
                using var response = await http.GetAsync(health, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Something took the connection and did not answer (another process listening on the port the worker
                // could not bind): the worker's exit says why on the next look.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }

        _echo?.Invoke(line);
    }
}
