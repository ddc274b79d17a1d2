namespace DvServerless.Functions.Records;

/// <summary>Minutes settings of the Functions app (configuration section <c>Minutes</c>).</summary>
public sealed class MinutesOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Minutes";

    /// <summary>
    /// How long CallDisconnected waits for the media worker's end marker before rendering anyway (the worker may still be
    /// flushing the last segments, or may have died). Zero renders at once.
    /// </summary>
    public TimeSpan WorkerEndGrace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The <c>Retry-After</c> seconds of a 404 for minutes that are not ready yet.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}
