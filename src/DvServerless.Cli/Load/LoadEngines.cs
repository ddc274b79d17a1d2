using DvServerless.Core.Engines;

namespace DvServerless.Cli.Load;

/// <summary>
/// The engines <c>dvs load</c> runs its calls on, and what each needs: the settings the apps get (the same
/// <c>Agent:Engine</c> setting <c>dvs call --engine</c> gives them, so the worker picks its engine the one way it always
/// does) and the voice the callers speak with.
/// </summary>
public static class LoadEngines
{
    /// <summary>The Realtime simulator: the worker passes audio through to a model that answers at once.</summary>
    public const string Simulator = "simulator";

    /// <summary>The offline engine in the worker's process: energy VAD, pocketsphinx, the offline responder, espeak-ng.</summary>
    public const string Offline = "offline";

    /// <summary>Every engine <c>--engine</c> accepts.</summary>
    public static IReadOnlyList<string> All { get; } = [Simulator, Offline];

    /// <summary>
    /// The offline responder's intent that answers the load callers' lines (<c>Agent:Offline:Intents:load</c>), tried
    /// before the built-in ones: each line has a word here that pocketsphinx's open vocabulary hears reliably.
    /// </summary>
    public const string OfflineIntentKeywords = @"\b(order|status|placed|tuesday|again|repeat)\b";

    /// <summary>
    /// What the offline agent answers each load line with: <see cref="LoadCallerScript.AgentReply"/> less its last two
    /// words, because espeak-ng speaks the whole of it in 3.3 s, not the simulator's 2.8 s, and the caller's next line
    /// would then cut into every answer (seen in the first offline runs: a barge-in on the first answer of every call).
    /// Spoken, this takes 2.7 s, about as long as the simulator's answer.
    /// </summary>
    public const string OfflineReply = "Thanks, let me look that up for you.";

    /// <summary>Whether <paramref name="engine"/> is <see cref="Offline"/>.</summary>
    public static bool IsOffline(string engine) => string.Equals(engine, Offline, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The voice the callers speak with. The simulator does not listen, so its callers keep espeak-ng's default voice (the
    /// script's timings were tuned to it). pocketsphinx does listen, and misreads two words in three of that voice with its
    /// generic language model; the Klatt variant <c>en-us+klatt2</c> is read far better (OFFLINE-SPEECH measurements: WER 23 %
    /// against 67 %, 7 of 9 intents right).
    /// </summary>
    public static string CallerVoice(string engine) => IsOffline(engine) ? "en-us+klatt2" : "en-us";

    /// <summary>
    /// The settings both apps get for <paramref name="engine"/>. Offline: the agent runs on the offline engine, and its
    /// responder answers every load line with <see cref="OfflineReply"/>, so every turn's answer is as long as the script's
    /// pauses expect; a line it did not understand gets the responder's say-back fallback instead, which the
    /// report counts (<see cref="LoadReport.AgentAnswers"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> AppSettings(string engine) => IsOffline(engine)
        ? new Dictionary<string, string?>
        {
            ["Agent:Engine"] = EngineKinds.Offline,
            ["Agent:Offline:Intents:load:Keywords"] = OfflineIntentKeywords,
            ["Agent:Offline:Intents:load:Reply"] = OfflineReply,
        }
        : new Dictionary<string, string?>();
}
