using System.Diagnostics;

namespace DvServerless.Testing;

/// <summary>
/// The built media worker running as its own OS process (<c>dotnet DvServerless.MediaWorker.dll</c>, configured through
/// environment variables as a container is), so a test can stop it as a platform does: SIGTERM on a redeploy, SIGKILL
/// when a node dies. Its console log is collected.
/// </summary>
public sealed class MediaWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private MediaWorkerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The worker's public URL.</summary>
    public Uri Url { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the worker wrote so far.</summary>
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
    /// (configuration keys, passed as <c>Section__Key</c> environment variables) and waits until <c>/healthz</c> answers.
    /// </summary>
    public static async Task<MediaWorkerProcess> StartAsync(string assembly, IReadOnlyDictionary<string, string?> settings, Uri url,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(url);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url.ToString().TrimEnd('/'));

        // A test's worker must never reach a real model, whatever the developer's shell holds.
        foreach (var key in new[] { "OPENAI_API_KEY", "OpenAI__ApiKey", "AzureOpenAI__Endpoint", "AzureOpenAI__ApiKey" })
        {
            info.Environment.Remove(key);
        }

        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var worker = new MediaWorkerProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."), url);
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

    /// <summary>Sends SIGTERM, as Container Apps does to a replica it replaces or scales in.</summary>
    public async Task TerminateAsync()
    {
        var result = await ExternalCommand.RunAsync("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Environment.CurrentDirectory, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {Id} failed: {result.StandardError}");
        }
    }

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
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri(Url, "/healthz");
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The worker exited with {_process.ExitCode} while starting:\n{Output}");
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

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
