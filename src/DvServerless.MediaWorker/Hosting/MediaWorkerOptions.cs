using DvServerless.Core.Audio;
using DvServerless.Core.Hosting;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>The media worker's settings (configuration section <c>MediaWorker</c>, env <c>MediaWorker__Key</c>).</summary>
public sealed class MediaWorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MediaWorker";

    /// <summary>
    /// The key that signs per-call media tokens (base64 of ≥ 32 bytes, or text of ≥ 32 bytes); must equal the Functions
    /// app's. Defaults to the local development key.
    /// </summary>
    public string TokenSigningKey { get; set; } = LocalDefaults.MediaTokenSigningKey;

    /// <summary>
    /// Count thread-pool starvation injections on <c>/metrics</c> (<c>dvs_runtime_threadpool_starvations_total</c>): for
    /// diagnosing stalls, off by default because the runtime events it needs allocate one event per idle pool thread.
    /// </summary>
    public bool CountThreadPoolStarvation { get; set; }

    /// <summary>
    /// Stop the worker when its standard input ends (see <see cref="ParentExitWatcher"/>): <c>dvs load</c> (and a test)
    /// starts the worker process with this on and stdin a pipe it holds, so the OS ends that input when it dies, SIGKILL
    /// included, and the worker does not live on as an orphan. Off by default; ignored in Azure, where stdin is not a parent's.
    /// </summary>
    public bool ExitWhenStdinEnds { get; set; }

    /// <summary>How far ahead of the caller's playback position agent audio is sent (20–1000 ms).</summary>
    public int PlayoutLeadMs { get; set; } = 100;

    /// <summary>
    /// The ACS leg's audio format when the socket does not announce one: <c>pcm24KMono</c> (the default, matching the
    /// answer request) or <c>pcm16KMono</c>. The socket's first <c>AudioMetadata</c> frame always wins.
    /// </summary>
    public string AcsAudioFormat { get; set; } = "pcm24KMono";

    /// <summary>
    /// How long a stopping worker (SIGTERM on a redeploy or scale-in) lets active calls run to their own end before it
    /// says <see cref="DrainGoodbye"/> to those still running and hangs them up. The default, 300 s, is what the host
    /// waits for; the container's termination grace period must cover it plus <see cref="DrainGoodbyeTimeout"/>.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// What a call still running when <see cref="DrainTimeout"/> is over hears (through the same TTS path as an injected
    /// <c>say</c>) before it is hung up; empty hangs up without a word.
    /// </summary>
    public string DrainGoodbye { get; set; } = "Sorry, this line has to close for maintenance. Please call again in a minute. Goodbye.";

    /// <summary>How long the goodbye may take (synthesis and playout) before the calls still running are cut off (0–60 s).</summary>
    public TimeSpan DrainGoodbyeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <see cref="AcsAudioFormat"/> as an <see cref="AudioFormat"/>, or null when it is not recognised.</summary>
    public AudioFormat? ParseAcsAudioFormat() => AcsAudioFormat?.Trim().ToLowerInvariant() switch
    {
        "pcm24kmono" or "24000" => Core.Audio.AudioFormat.Pcm24k,
        "pcm16kmono" or "16000" => Core.Audio.AudioFormat.Pcm16k,
        _ => null,
    };
}
