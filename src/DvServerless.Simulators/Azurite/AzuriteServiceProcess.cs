using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DvServerless.Core.Hosting;

namespace DvServerless.Simulators.Azurite;

/// <summary>
/// One Azurite service (<c>blob</c> or <c>queue</c>) as a child process, and the port it listens on as Azurite itself
/// reports it ("Azurite Blob service successfully listens on http://127.0.0.1:PORT"). Started on port 0, the system
/// chooses the port while Azurite binds it, so no other process can take it between a probe and the bind.
/// </summary>
internal sealed partial class AzuriteServiceProcess
{
    // Enough of the output to say why a start failed, without keeping a long-running service's log.
    private const int KeptLines = 40;

    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AzuriteServiceProcess(Process process, string name)
    {
        Process = process;
        Name = name;
    }

    /// <summary>The process.</summary>
    public Process Process { get; }

    /// <summary>The service as people name it: "Azurite's Blob service".</summary>
    public string Name { get; }

    /// <summary>Starts <paramref name="executable"/> (<c>azurite-blob</c> or <c>azurite-queue</c>) on 127.0.0.1:<paramref name="port"/>, 0 for any.</summary>
    public static AzuriteServiceProcess Start(string executable, string service, int port)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { $"--{service}Host", "127.0.0.1", $"--{service}Port", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        var started = new AzuriteServiceProcess(process, $"Azurite's {CultureInfo.InvariantCulture.TextInfo.ToTitleCase(service)} service");
        process.OutputDataReceived += (_, e) => started.Read(e.Data);
        process.ErrorDataReceived += (_, e) => started.Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>
    /// Waits until the service says it listens and returns its port. When it exits first, throws: a
    /// <see cref="PortConflict"/> exception when its port was taken, else an <see cref="InvalidOperationException"/> with its output.
    /// </summary>
    public async Task<int> WaitListeningAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var exited = Process.WaitForExitAsync(limit.Token);
        try
        {
            var first = await Task.WhenAny(_listening.Task, exited).ConfigureAwait(false);
            if (first == _listening.Task)
            {
                // Ends the wait for its exit, which would otherwise last as long as the service runs.
                await limit.CancelAsync().ConfigureAwait(false);
                return await _listening.Task.ConfigureAwait(false);
            }

            // Without a time limit the wait returns once the output is read to its end, the error line included.
            await exited.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not listen within {timeout.TotalSeconds:0} s:\n{Output}");
        }

        await Process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var output = Output;
        if (PortConflict.IsReportedIn(output))
        {
            throw PortConflict.Exception(Name, port);
        }

        throw new InvalidOperationException($"{Name} exited at start with code {Process.ExitCode}:\n{output}");
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(int.Parse(match.Groups["port"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"successfully listens on https?://[^\s/]+:(?<port>\d{1,5})\b", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
