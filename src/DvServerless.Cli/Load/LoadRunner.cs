using System.Diagnostics;
using DvServerless.Core.Audio;
using DvServerless.Core.Diagnostics;
using DvServerless.Cli.LocalStack;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace DvServerless.Cli.Load;

/// <summary>
/// <c>dvs load</c>: starts the local stack with the Realtime simulator, places the calls over the ramp, shows progress,
/// and measures them (<see cref="LoadReport"/>). Exit code 0 when every call completed, 1 when any failed, 2 when the run
/// could not start.
/// </summary>
public sealed class LoadRunner
{
    private static readonly TimeSpan PlainProgressEvery = TimeSpan.FromSeconds(5);
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
        try
        {
            var live = _output.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
            report = live
                ? await _output.Status().StartAsync("starting", context => MeasureAsync(options, text => context.Status(Markup.Escape(text)), false, cancellationToken)).ConfigureAwait(false)
                : await MeasureAsync(options, text => _output.WriteLine(text), true, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
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
        progress("speaking the caller's lines (espeak-ng, once for every call)");
        var script = await LoadCallerScript.SynthesizeAsync(AudioFormat.Pcm24k, options.Duration + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        await using var stack = await LocalStack.LocalStack.StartAsync(new LocalStackOptions
        {
            Verbose = options.Verbose,
            Greeting = string.Empty,
            AgentReply = static (_, _) => LoadCallerScript.AgentReply,
            // Load runs the Realtime simulator even when an OpenAI key is in the environment.
            Environment = new Dictionary<string, string?>(),
            // A record per caller frame would grow without end in a soak, and nothing here reads them.
            RecordSimulatorAudioAppends = false,
        }, progress, cancellationToken).ConfigureAwait(false);

        var lead = TimeSpan.FromMilliseconds(stack.MediaWorkerServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<MediaWorker.Hosting.MediaWorkerOptions>>().Value.PlayoutLeadMs);
        var measurements = new LoadMeasurements(lead);
        // The process's one listener, which the in-process worker's /metrics reads too; counts are taken from here on.
        var runtime = RuntimeEventListener.Shared;
        var starvationsBefore = runtime.StarvationInjections;
        var gcPauses = new LatencyHistogram();
        runtime.OnGcPause(pause => gcPauses.Record(pause.TotalMilliseconds));
        using var worker = new WorkerMeasurements();
        await using var sampler = new RuntimeSampler();
        await using var memory = new MemorySeries(MemorySeries.IntervalFor(options.Duration), () => measurements.Active);
        var caller = new LoadCall(stack, script, measurements);
        var started = Stopwatch.GetTimestamp();
        var calls = new List<Task<LoadCallOutcome>>(options.Calls);
        var placing = PlaceAllAsync(options, caller, measurements, calls, cancellationToken);
        await WatchAsync(options, measurements, sampler, placing, calls, started, progress, plain, cancellationToken).ConfigureAwait(false);
        var outcomes = await Task.WhenAll(calls).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        sampler.MarkWindowEnd();
        memory.Sample(); // every call has ended: what is still rented now was never returned
        return LoadReportBuilder.Build(options, outcomes, measurements, worker, runtime.StarvationInjections - starvationsBefore, gcPauses, sampler, elapsed, memory);
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
            var call = Task.Run(async () =>
            {
                var outcome = await caller.RunAsync(index, options.Duration, cancellationToken).ConfigureAwait(false);
                measurements.Finished(outcome);
                return outcome;
            }, cancellationToken);
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
