using System.Diagnostics;
using System.Runtime;
using DvServerless.Core.Audio;
using DvServerless.Core.Diagnostics;
using DvServerless.Cli.LocalStack;
using Spectre.Console;

namespace DvServerless.Cli.Load;

/// <summary>
/// <c>dvs load</c>: starts the local stack with the media worker as a process of its own and the run's engine (the
/// Realtime simulator, or the offline engine inside the worker: <see cref="LoadEngines"/>), places the calls over the
/// ramp, shows progress, and measures them (<see cref="LoadReport"/>). Exit code 0 when every call completed, 1 when any
/// failed, 2 when the run could not start.
/// </summary>
public sealed class LoadRunner
{
    private static readonly TimeSpan PlainProgressEvery = TimeSpan.FromSeconds(5);

    /// <summary>The storage budget of a request path during a load (<c>Storage:RequestBudget</c>): the storage client's own timeout, not an outage's 800 ms.</summary>
    internal const string LoadStorageRequestBudget = "00:00:10";

    private readonly IAnsiConsole _output;
    private readonly IAnsiConsole _error;

    /// <summary>A runner that writes its progress and report to <paramref name="output"/> and errors to <paramref name="error"/>.</summary>
    public LoadRunner(IAnsiConsole output, IAnsiConsole error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        _output = output;
        _error = error;
    }

    /// <summary>Runs the load, prints the report, writes the JSON if asked; returns the exit code.</summary>
    public async Task<int> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!LoadCallerScript.IsAvailable)
        {
            _error.MarkupLine("[red]espeak-ng and sox are needed to speak the load callers (scripts/install-tools.sh installs them).[/]");
            return 2;
        }

        LoadReport report;
        // Ctrl+C or SIGTERM cancels the run: its calls end, the stack stops, and dvs exits 2.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = StopSignals.Cancel(stop);
        try
        {
            var live = _output.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
            report = live
                ? await _output.Status().StartAsync("starting", context => MeasureAsync(options, text => context.Status(Markup.Escape(text)), false, stop.Token)).ConfigureAwait(false)
                : await MeasureAsync(options, text => _output.WriteLine(text), true, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _error.MarkupLine("[yellow]load cancelled[/]");
            return 2;
        }

        LoadReportPrinter.Print(_output, report);
        if (options.Json is { } json)
        {
            await File.WriteAllTextAsync(json.FullName, LoadReportJson.Write(report), cancellationToken).ConfigureAwait(false);
            _output.MarkupLine($"[grey]report written to {Markup.Escape(json.FullName)}[/]");
        }

        return report.Failed > 0 ? 1 : 0;
    }

    /// <summary>
    /// Starts the stack, runs the calls and measures them. <paramref name="progress"/> hears what is starting and, while
    /// calls run, the live counts (every 5 s when <paramref name="plain"/>, else every quarter second).
    /// </summary>
    internal static async Task<LoadReport> MeasureAsync(LoadOptions options, Action<string> progress, bool plain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var voice = LoadEngines.CallerVoice(options.Engine);
        progress($"speaking the caller's lines (espeak-ng {voice}, once for every call)");
        var script = await LoadCallerScript.SynthesizeAsync(AudioFormat.Pcm24k, options.Duration + TimeSpan.FromSeconds(1), voice, cancellationToken).ConfigureAwait(false);
        // The worker runs as its own process, as it does in a container: what it costs is then measured apart from the
        // simulators and the Functions app, and their garbage collections do not stop its frames.
        var workerSettings = new Dictionary<string, string?>(LoadEngines.AppSettings(options.Engine))
        {
            ["MediaWorker:CountThreadPoolStarvation"] = options.CountStarvation ? "true" : "false",
            // A load measures the worker, not a storage outage: one Azurite process answering hundreds of calls set up at
            // once, on the cores the worker and the callers share, can take longer than the 800 ms that marks storage as
            // out on a request's path, and a few such tries in a row open the storage breaker for every request. With
            // the outage settings 17 of 200 calls went unanswered (their IncomingCall answered 503 until Event Grid's
            // redeliveries ran past the ring time); with the budget alone raised, the breaker failed 66 deliveries.
            // Requests here wait as background work does, and the breaker needs as many failures as it can count.
            ["Storage:RequestBudget"] = LoadStorageRequestBudget,
            ["Storage:BreakAfterFailures"] = "100",
            // A soak's calls last as long as it asks (--duration may pass the agent's 120-minute default limit).
            ["Agent:MaxCallMinutes"] = "0",
        };
        if (!options.Verbose)
        {
            // The worker process writes its own log: only what went wrong (the in-process apps log nothing unless verbose).
            workerSettings["Logging:LogLevel:Default"] = "Warning";
        }

        foreach (var (key, value) in options.AppSettings)
        {
            workerSettings[key] = value;
        }

        var workers = new MediaWorkerProcessLauncher(echo: options.Verbose ? progress : null);
        await using var stack = await LocalStack.LocalStack.StartAsync(new LocalStackOptions
        {
            Verbose = options.Verbose,
            Greeting = string.Empty,
            AgentReply = static (_, _) => LoadCallerScript.AgentReply,
            // Load runs the Realtime simulator even when an OpenAI key is in the environment.
            Environment = new Dictionary<string, string?>(),
            // A record per caller frame would grow without end in a soak, and nothing here reads them.
            RecordSimulatorAudioAppends = false,
            AppSettings = workerSettings,
            MediaWorkerLauncher = workers.LaunchAsync,
        }, progress, cancellationToken).ConfigureAwait(false);
        progress($"engine: {stack.EngineDescription}");

        var launch = workers.Launch;
        // The worker is on loopback: no proxy from the environment in between.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var probe = new WorkerProbe(workers.Worker.Id, launch.InternalUrl, http);
        var measurements = new LoadMeasurements(PlayoutLead(launch)) { FirstBargeIn = script.BargeIns.Count > 0 ? script.BargeIns[0] : null };
        // This process's own pauses: the callers measure jitter here, so the report shows them beside it.
        var harnessGcPauses = new LatencyHistogram();
        using var harnessPauses = GcPauseWatcher.Shared.OnPause(pause => harnessGcPauses.Record(pause.TotalMilliseconds));
        var before = await probe.ScrapeAsync(cancellationToken).ConfigureAwait(false);
        await using var sampler = new RuntimeSampler(probe);
        using var wakeProbe = WakeLatenessProbe.Start(late => measurements.HarnessWakeLateness.Record(late.TotalMilliseconds), "dvs load wake probe");
        await using var memory = await MemorySeries.StartAsync(probe, MemorySeries.IntervalFor(options.Duration), () => measurements.Active, cancellationToken).ConfigureAwait(false);
        var caller = new LoadCall(stack, script, measurements, readAnswers: LoadEngines.IsOffline(options.Engine));
        // The callers measure jitter in this process: its full collections should run in the background, not stop them.
        var latencyMode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        try
        {
            var report = await RunCallsAsync(options, caller, measurements, probe, before, harnessGcPauses, sampler, memory, progress, plain,
                cancellationToken).ConfigureAwait(false);
            return report with { EngineDescription = stack.EngineDescription };
        }
        finally
        {
            GCSettings.LatencyMode = latencyMode;
        }
    }

    private static async Task<LoadReport> RunCallsAsync(LoadOptions options, LoadCall caller, LoadMeasurements measurements,
        WorkerProbe probe, PrometheusScrape before, LatencyHistogram harnessGcPauses, RuntimeSampler sampler, MemorySeries memory, Action<string> progress,
        bool plain, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var calls = new List<Task<LoadCallOutcome>>(options.Calls);
        var placing = PlaceAllAsync(options, caller, measurements, calls, cancellationToken);
        await WatchAsync(options, measurements, sampler, placing, calls, started, progress, plain, cancellationToken).ConfigureAwait(false);
        var outcomes = await Task.WhenAll(calls).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        sampler.MarkWindowEnd();
        // The callers have hung up; the worker may still be closing the last calls (their records, their minutes).
        await WaitForWorkerIdleAsync(probe, cancellationToken).ConfigureAwait(false);
        await memory.SampleAsync(cancellationToken).ConfigureAwait(false); // every call has ended: what is still rented now was never returned
        var after = await probe.ScrapeAsync(cancellationToken).ConfigureAwait(false);
        return LoadReportBuilder.Build(options, outcomes, measurements, before, after, harnessGcPauses, sampler, elapsed, memory);
    }

    /// <summary>Waits (up to 30 s) until the worker has no call loop running (<c>dvs_calls_active</c> on its <c>/metrics</c>).</summary>
    private static async Task WaitForWorkerIdleAsync(WorkerProbe probe, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < WorkerIdleWait)
        {
            var scrape = await probe.ScrapeAsync(cancellationToken).ConfigureAwait(false);
            if (scrape.Sum(WorkerMetricNames.ActiveCalls) <= 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan WorkerIdleWait = TimeSpan.FromSeconds(30);

    /// <summary>How far ahead of real time the worker sends agent audio (its setting, else its default).</summary>
    private static TimeSpan PlayoutLead(MediaWorkerLaunch launch)
    {
        var configured = launch.Settings.TryGetValue("MediaWorker:PlayoutLeadMs", out var value)
            && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms : new MediaWorker.Hosting.MediaWorkerOptions().PlayoutLeadMs;
        return TimeSpan.FromMilliseconds(configured);
    }

    private static async Task PlaceAllAsync(LoadOptions options, LoadCall caller, LoadMeasurements measurements, List<Task<LoadCallOutcome>> calls,
        CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < options.Calls; i++)
        {
            var due = options.Ramp * i / options.Calls;
            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            var index = i;
            var call = Task.Run(() => CountedCall.RunAsync(index, token => caller.RunAsync(index, options.Duration, token), measurements, cancellationToken),
                cancellationToken);
            lock (calls)
            {
                calls.Add(call);
            }
        }
    }

    /// <summary>Shows the counts until every call is in; opens the measured window while all living calls are up.</summary>
    private static async Task WatchAsync(LoadOptions options, LoadMeasurements measurements, RuntimeSampler sampler, Task placing,
        List<Task<LoadCallOutcome>> calls, long started, Action<string> progress, bool plain, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        TimeSpan? lastPlain = null;
        int? activeAtWindowStart = null;
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var active = measurements.Active;
            var finished = measurements.Completed + measurements.Failed;
            if (activeAtWindowStart is null && placing.IsCompleted && active > 0 && active >= options.Calls - measurements.Failed)
            {
                // Every call still alive is up: what the process costs now is what these calls cost.
                activeAtWindowStart = active;
                sampler.MarkWindowStart();
            }
            else if (activeAtWindowStart is { } all && (active < all || finished > 0))
            {
                sampler.MarkWindowEnd();
            }

            var line = $"calls: {measurements.Active} active, {measurements.Completed} completed, {measurements.Failed} failed of {options.Calls} · {elapsed.TotalSeconds:0} s";
            if (!plain || lastPlain is not { } last || elapsed - last >= PlainProgressEvery)
            {
                progress(line);
                lastPlain = elapsed;
            }

            if (placing.IsCompleted && finished >= options.Calls)
            {
                await placing.ConfigureAwait(false);
                return;
            }

            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
