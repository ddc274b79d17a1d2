using System.Diagnostics;
using System.Text;
using DvServerless.Core.Hosting;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>Starts the project's executables the way a user does (their built <c>.dll</c> with <c>dotnet</c>).</summary>
internal static class ProcessRunner
{
    /// <summary>Finds the built entry assembly of <paramref name="project"/> (e.g. <c>src/DvServerless.Cli</c>, <c>dvs.dll</c>).</summary>
    public static string FindBuiltAssembly(string project, string assemblyFile)
    {
        // Referenced app projects are copied next to the tests, with their runtimeconfig when they are executables.
        var beside = Path.Combine(AppContext.BaseDirectory, assemblyFile);
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        var root = RepositoryPaths.RequireRoot();
        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var candidate = Path.Combine(root, project, "bin", configuration, "net10.0", assemblyFile);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{assemblyFile} is not built; run `dotnet build` first.", assemblyFile);
    }

    /// <summary>Starts <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c> with extra environment; output is collected.</summary>
    public static RunningProcess Start(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A test run must never reach a real model, whatever the developer's shell holds.
        foreach (var key in new[] { "OPENAI_API_KEY", "OpenAI__ApiKey", "AzureOpenAI__Endpoint", "AzureOpenAI__ApiKey" })
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new RunningProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>
    /// Starts an app that must be told its port (<paramref name="arguments"/> and <paramref name="environment"/> for a
    /// probed port) and waits until it says it listens there; when another process took the port first, starts it again
    /// on another (<see cref="PortConflict"/>). The port is <see cref="RunningProcess.Port"/>; <paramref name="choosePort"/>
    /// (default <see cref="LoopbackPort.Probe"/>) lets a test hand out a taken one.
    /// </summary>
    public static Task<RunningProcess> StartListeningAsync(string assembly, Func<int, IEnumerable<string>> arguments,
        Func<int, IReadOnlyDictionary<string, string?>> environment, Func<int>? choosePort = null) =>
        PortConflict.RetryAsync(
            async _ =>
            {
                var port = (choosePort ?? LoopbackPort.Probe)();
                var process = Start(assembly, arguments(port), environment(port));
                try
                {
                    await process.WaitListeningAsync(port, TimeSpan.FromSeconds(60));
                    return process;
                }
                catch
                {
                    await process.DisposeAsync();
                    throw;
                }
            },
            (_, _) => { },
            CancellationToken.None);
}

/// <summary>A child process whose output is collected as it runs.</summary>
internal sealed class RunningProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    public RunningProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>The port the app said it listens on (<see cref="WaitListeningAsync"/>), else 0.</summary>
    public int Port { get; private set; }

    /// <summary>
    /// Waits until the app logs that it listens on 127.0.0.1:<paramref name="port"/> (ASP.NET Core's "Now listening on:").
    /// When it exits first because the port was taken, throws the <see cref="PortConflict"/> exception; otherwise, or
    /// after <paramref name="timeout"/>, an exception with its output.
    /// </summary>
    public async Task WaitListeningAsync(int port, TimeSpan timeout)
    {
        // The whole line, so port 1234 is not read in 12345.
        var listening = $"Now listening on: http://127.0.0.1:{port}{Environment.NewLine}";
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(listening, StringComparison.Ordinal))
        {
            if (Process.HasExited)
            {
                // Untimed, so the output is read to its end.
                await Process.WaitForExitAsync();
                if (PortConflict.IsReportedIn(Output))
                {
                    throw PortConflict.Exception("The app", port);
                }

                throw new InvalidOperationException($"The app exited with {Process.ExitCode}:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The app did not listen on port {port} within {timeout.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(50);
        }

        Port = port;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the process to exit; true when it did, and then its output is read to
    /// the end (a timed wait alone returns before the redirected streams are drained, so <see cref="Output"/> could miss
    /// the last lines).
    /// </summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }
}
