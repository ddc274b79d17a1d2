namespace DvServerless.Adapters.Commands;

/// <summary>
/// How worker replicas take commands from their Storage queues and how the Functions app waits for the answers
/// (configuration section <c>CommandQueue</c>).
/// </summary>
public sealed class CallCommandQueueOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "CommandQueue";

    /// <summary>False turns queue routing off: every command goes to the worker over HTTP, as with a single worker.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A message received this many times and never deleted is poison (its handling crashed or hung each time): it is
    /// dropped with a log entry instead of being tried again; 1–20.
    /// </summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a received message stays hidden while the replica carries it out; 5 s–5 min.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait after a receive that found messages, and the first wait after an empty one; 10 ms–1 s.</summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest wait between receives of an idle queue (the wait doubles while it stays empty); at most this much
    /// latency is added to a command, at one request per interval per replica; 100 ms–30 s.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the Functions app looks for a command's reply while it waits; 20 ms–2 s.</summary>
    public TimeSpan ReplyPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Messages taken per receive (1–32, the service's limit).</summary>
    public int BatchSize { get; set; } = 16;
}
