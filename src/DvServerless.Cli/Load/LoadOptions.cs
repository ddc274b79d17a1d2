namespace DvServerless.Cli.Load;

/// <summary>What <c>dvs load</c> runs: how many calls, how long, how fast they arrive, and where the report goes.</summary>
public sealed class LoadOptions
{
    /// <summary>Concurrent calls.</summary>
    public int Calls { get; init; } = 25;

    /// <summary>How long each call lasts, from its answer to the caller's hang-up.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Calls are placed evenly over this time (0: all at once).</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The conversation engine: <see cref="LoadEngines.Simulator"/> (the Realtime simulator) or <see cref="LoadEngines.Offline"/>.</summary>
    public string Engine { get; init; } = LoadEngines.Simulator;

    /// <summary>Write the report as JSON here, besides printing it.</summary>
    public FileInfo? Json { get; init; }

    /// <summary>
    /// Have the worker count thread-pool starvation (<c>MediaWorker:CountThreadPoolStarvation</c>); its runtime events add
    /// allocations of their own, so the allocation figure is higher with it.
    /// </summary>
    public bool CountStarvation { get; init; }

    /// <summary>Show the apps' logs.</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// More settings for both apps, after the run's own (tests: a tenant whose call limit is below the load, to see a
    /// refused call reported and the exit code).
    /// </summary>
    internal IReadOnlyDictionary<string, string?> AppSettings { get; init; } = new Dictionary<string, string?>();
}
