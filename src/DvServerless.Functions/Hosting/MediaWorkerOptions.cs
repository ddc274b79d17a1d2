using System.ComponentModel.DataAnnotations;
using DvServerless.Core.Hosting;

namespace DvServerless.Functions.Hosting;

/// <summary>How the Functions app points ACS at the media worker (configuration section <c>MediaWorker</c>).</summary>
public sealed class MediaWorkerOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "MediaWorker";

    /// <summary>The worker's base URL; <c>http</c> becomes <c>ws</c> and <c>https</c> becomes <c>wss</c> in the media URL.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new(LocalDefaults.MediaWorkerBaseUrl);

    /// <summary>
    /// Several workers' base URLs (local development and tests run more than one worker process): new calls are spread
    /// over them in turn, and a command for a call without a recorded queue tries them in turn. Empty (the default) means
    /// <see cref="BaseUrl"/> alone; in Azure it stays empty, as the Container Apps ingress spreads calls over replicas.
    /// </summary>
    public List<Uri> BaseUrls { get; set; } = [];

    /// <summary>The workers new calls go to: <see cref="BaseUrls"/>, or <see cref="BaseUrl"/> when that is empty.</summary>
    public IReadOnlyList<Uri> Workers => BaseUrls.Count > 0 ? BaseUrls : [BaseUrl];

    /// <summary>
    /// The workers' internal endpoints (their <c>MediaWorker:InternalUrls</c>), one for each of <see cref="Workers"/> in the
    /// same order, where this app sends call commands and SIP attaches when Storage queues are not available. Empty (the
    /// default): a worker on a loopback address is reached on the port after its public one, as the worker's own default
    /// is; any other worker's internal port is taken to be out of reach (in Azure it is inside the Container Apps
    /// environment), and those requests travel by queue only.
    /// </summary>
    public List<Uri> InternalBaseUrls { get; set; } = [];

    /// <summary>The key shared with the worker that signs per-call media tokens (base64 of ≥ 32 bytes, or ≥ 32 characters).</summary>
    [Required]
    public string TokenSigningKey { get; set; } = LocalDefaults.MediaTokenSigningKey;

    /// <summary>
    /// How long a media token is valid. ACS opens the media socket right after the answer, so minutes are plenty and a
    /// leaked URL is useless soon after.
    /// </summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long the voice API waits for the worker to carry out a browser command (stop, interrupt, audio) before it
    /// answers 502; 1–30 s. A command touches only in-memory state on the worker, so seconds are plenty.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
