using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Hosting;
using Xunit.Abstractions;

namespace DvServerless.Cli.Tests.LocalStack;

/// <summary>The worker started as its own process, as <c>dvs load</c> and the fault tests start it.</summary>
public sealed class MediaWorkerProcessTests(ITestOutputHelper output)
{
    // The worker stops within about a second once its stdin ends; 15 s covers a loaded machine, and the backstop (10 s).
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_worker_whose_port_was_taken_fails_as_a_port_conflict_for_the_stack_to_start_again()
    {
        // Another process listening there (and never answering): the worker cannot bind, and its health probe gets no answer.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => MediaWorkerProcess.StartAsync(
            MediaWorkerProcess.BuiltAssembly, new Dictionary<string, string?>(), new Uri($"http://127.0.0.1:{port}"), timeout.Token));

        Assert.True(PortConflict.IsCause(failure), failure.ToString());
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_started_worker_answers_health_and_ends_when_disposed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var url = new Uri($"http://127.0.0.1:{LoopbackPort.Probe()}");

        var worker = await MediaWorkerProcess.StartAsync(MediaWorkerProcess.BuiltAssembly, new Dictionary<string, string?>(), url, timeout.Token);
        var id = worker.Id;
        Assert.False(worker.HasExited);
        Assert.Contains(url.ToString().TrimEnd('/'), worker.Output, StringComparison.Ordinal);
        await worker.DisposeAsync();

        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(id));
    }

    [Fact]
    public async Task A_worker_whose_launcher_closes_its_stdin_stops_gracefully()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var url = new Uri($"http://127.0.0.1:{LoopbackPort.Probe()}");
        await using var worker = await MediaWorkerProcess.StartAsync(MediaWorkerProcess.BuiltAssembly, new Dictionary<string, string?>(), url, timeout.Token);

        worker.CloseStandardInput();

        using var bound = new CancellationTokenSource(ExitBound);
        Assert.Equal(0, await worker.WaitForExitAsync(bound.Token));
        Assert.Contains("the process that started the worker is gone", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_whose_launcher_is_killed_hard_exits_on_its_own()
    {
        // bash stands in for dvs: it starts the worker as the launcher does (same command and environment, stdin the read end
        // of a pipe), holds the write end itself (fd 3, opened after the fork so the worker has no copy), and is then SIGKILLed.
        var directory = Directory.CreateTempSubdirectory("dvs-orphan-");
        var log = Path.Combine(directory.FullName, "worker.log");
        var url = new Uri($"http://127.0.0.1:{LoopbackPort.Probe()}");
        var launch = MediaWorkerProcess.StartInfo(MediaWorkerProcess.BuiltAssembly, new Dictionary<string, string?>(), url);
        var parent = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = launch.WorkingDirectory };
        parent.ArgumentList.Add("-c");
        parent.ArgumentList.Add("""mkfifo "$DVS_FIFO"; "$0" "$@" < "$DVS_FIFO" > "$DVS_LOG" 2>&1 & echo $!; exec 3> "$DVS_FIFO"; wait""");
        parent.ArgumentList.Add(launch.FileName);
        foreach (var argument in launch.ArgumentList)
        {
            parent.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in launch.Environment)
        {
            parent.Environment[key] = value;
        }

        parent.Environment["DVS_FIFO"] = Path.Combine(directory.FullName, "stdin");
        parent.Environment["DVS_LOG"] = log;
        Assert.Equal("true", parent.Environment["MediaWorker__ExitWhenStdinEnds"]);

        using var bash = Process.Start(parent)!;
        var workerId = 0;
        try
        {
            workerId = int.Parse((await bash.StandardOutput.ReadLineAsync())!, CultureInfo.InvariantCulture);
            await WaitUntilHealthyAsync(url, workerId, log);

            bash.Kill(entireProcessTree: false);
            var killed = Stopwatch.StartNew();
            await bash.WaitForExitAsync();
            while (IsRunning(workerId) && killed.Elapsed < ExitBound)
            {
                await Task.Delay(20);
            }

            output.WriteLine($"The worker {(IsRunning(workerId) ? "still runs" : "ended")} {killed.Elapsed.TotalMilliseconds:F0} ms after its parent was killed.");
            Assert.False(IsRunning(workerId), $"The worker outlived its parent by {ExitBound}:\n{Tail(ReadLog(log))}");
            Assert.Contains("the process that started the worker is gone", ReadLog(log), StringComparison.Ordinal);
        }
        finally
        {
            if (!bash.HasExited)
            {
                bash.Kill();
            }

            if (workerId != 0 && IsRunning(workerId))
            {
                using var left = Process.GetProcessById(workerId);
                left.Kill();
            }

            directory.Delete(recursive: true);
        }
    }

    // Running, not a zombie: a worker whose parent died is reparented, and its new parent (a container's init) may never reap it.
    private static bool IsRunning(int id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id}/stat");
            // The state follows the command name in parentheses, which may itself hold spaces or parentheses.
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    private static string ReadLog(string path) => File.Exists(path) ? File.ReadAllText(path) : "(no log)";

    // The end of the worker's log for a failure message: enough to say why, short of the retry stack traces a worker
    // without storage writes.
    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    private static async Task WaitUntilHealthyAsync(Uri url, int workerId, string log)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(IsRunning(workerId), "The worker exited while starting:\n" + Tail(ReadLog(log)));
            Assert.True(started.Elapsed < TimeSpan.FromMinutes(1), "The worker did not answer /healthz:\n" + Tail(ReadLog(log)));
            try
            {
                using var response = await http.GetAsync(new Uri(url, "/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }
}
