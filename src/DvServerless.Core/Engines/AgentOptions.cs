namespace DvServerless.Core.Engines;

/// <summary>What the agent is: model, voice, instructions, how it hears turns. Engine-neutral.</summary>
public sealed class AgentOptions
{
    /// <summary>
    /// Which engine runs the agent: <c>realtime</c> (OpenAI / Azure OpenAI Realtime, or its simulator without a key),
    /// <c>cascaded</c> (speech-to-text → language model → text-to-speech, <see cref="Cascaded"/>) or <c>offline</c>
    /// (the cascaded engine on local parts only: no key, no network). See <see cref="EngineKinds"/>.
    /// </summary>
    public string Engine { get; set; } = EngineKinds.Realtime;

    /// <summary>Reconnecting after a dropped engine connection, and the hand-over before a session limit.</summary>
    public EngineReconnectOptions Reconnect { get; set; } = new();

    /// <summary>What the agent does when the caller goes silent: ask whether they are there, then say goodbye and hang up.</summary>
    public AgentSilenceOptions Silence { get; set; } = new();

    /// <summary>
    /// The longest a call may last, in minutes from when its media starts; then the caller hears
    /// <see cref="TimeLimitGoodbye"/> and the call is hung up. 0: no limit.
    /// </summary>
    public double MaxCallMinutes { get; set; } = 120;

    /// <summary>What the caller hears when the call reaches <see cref="MaxCallMinutes"/>; empty: hung up without a word.</summary>
    public string TimeLimitGoodbye { get; set; } = "We have reached the time limit for this call, so I have to end it now. Thank you for calling. Goodbye.";

    /// <summary>The most <see cref="MaxCallMinutes"/> may be (a day).</summary>
    public const double MaxCallMinutesLimit = 1440;

    /// <summary>
    /// The problems with the call limits (<see cref="Silence"/>, <see cref="MaxCallMinutes"/>,
    /// <see cref="TimeLimitGoodbye"/>), each naming its setting under <paramref name="section"/> (<c>Agent</c> or
    /// <c>Agents:{id}</c>).
    /// </summary>
    public IEnumerable<string> CallLimitProblems(string section)
    {
        foreach (var problem in Silence.Problems($"{section}:{nameof(Silence)}"))
        {
            yield return problem;
        }

        // Fractions are allowed (0.5 is 30 s) so short limits can be tried out; below 3 s no goodbye fits.
        if (double.IsNaN(MaxCallMinutes) || MaxCallMinutes < 0 || MaxCallMinutes is > 0 and < 0.05 || MaxCallMinutes > MaxCallMinutesLimit)
        {
            yield return $"{section}:{nameof(MaxCallMinutes)} is {MaxCallMinutes}; use 0 (no limit) or 0.05–{MaxCallMinutesLimit} minutes.";
        }

        if ((TimeLimitGoodbye?.Length ?? 0) > AgentSilenceOptions.MaxGoodbyeLength)
        {
            yield return $"{section}:{nameof(TimeLimitGoodbye)} is {TimeLimitGoodbye!.Length} characters; use at most {AgentSilenceOptions.MaxGoodbyeLength}.";
        }
    }

    /// <summary>The cascaded engine's parts (used when <see cref="Engine"/> is <c>cascaded</c> or <c>offline</c>).</summary>
    public CascadedAgentOptions Cascaded { get; set; } = new();

    /// <summary>Model or Azure deployment name.</summary>
    public string Model { get; set; } = "gpt-realtime";

    /// <summary>Voice name (e.g. <c>marin</c>).</summary>
    public string Voice { get; set; } = "marin";

    /// <summary>System instructions.</summary>
    public string Instructions { get; set; } =
        "You are a friendly, concise phone agent for DvServerless. Keep answers short and natural.";

    /// <summary>Input transcription model; empty turns transcription off.</summary>
    public string? TranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";

    /// <summary><c>server_vad</c> or <c>semantic_vad</c>.</summary>
    public string TurnDetection { get; set; } = "server_vad";

    /// <summary>Server VAD threshold (0–1).</summary>
    public double VadThreshold { get; set; } = 0.5;

    /// <summary>Server VAD prefix padding.</summary>
    public int VadPrefixPaddingMs { get; set; } = 300;

    /// <summary>Server VAD silence that ends a turn.</summary>
    public int VadSilenceDurationMs { get; set; } = 500;

    /// <summary>Whether the agent speaks first when the call connects.</summary>
    public bool GreetFirst { get; set; }

    /// <summary>Instructions for the greeting response when <see cref="GreetFirst"/> is set.</summary>
    public string? GreetingInstructions { get; set; }

    /// <summary>
    /// A named set of voice options (<see cref="Tts.VoicePresets"/>: <c>ko-KR-warm</c>, <c>ko-KR-calm</c>,
    /// <c>en-US-warm</c>, <c>en-US-calm</c>, <c>en-US-brisk</c>); null for the provider's own delivery.
    /// </summary>
    public string? VoicePreset { get; set; }

    /// <summary>Single voice values over <see cref="VoicePreset"/> (or over the defaults when no preset is set).</summary>
    public Tts.VoiceOptionOverrides VoiceOptions { get; set; } = new();

    /// <summary>
    /// How the agent's voice should sound: the preset with the single values over it, or null when the agent sets
    /// neither (every engine then leaves delivery to the provider, as before voice options existed).
    /// </summary>
    public Tts.TtsVoiceOptions? EffectiveVoiceOptions() => Tts.VoicePresets.Resolve(VoicePreset, VoiceOptions);

    /// <summary>
    /// The functions the agent may call, declared to whichever engine runs it. The media worker fills this from the tools
    /// it can run (<c>end_call</c>, <c>transfer</c> when a target is configured, …).
    /// </summary>
    public IReadOnlyList<AgentTool> Tools { get; set; } = [];

    /// <summary>
    /// Drops the tools without a name from <see cref="Tools"/>. Section <c>Agent:Tools:{name}</c> configures the worker's
    /// HTTP tools (their names are the section names); the configuration binder also reads those sections into this list,
    /// nameless, and a nameless function would be refused by the model and would hide the worker's own tools.
    /// </summary>
    public void DropUnnamedTools()
    {
        if (Tools.Any(t => string.IsNullOrWhiteSpace(t.Name)))
        {
            Tools = Tools.Where(t => !string.IsNullOrWhiteSpace(t.Name)).ToArray();
        }
    }

    /// <summary>A copy whose settings can be changed without touching this agent.</summary>
    public AgentOptions Clone()
    {
        var copy = (AgentOptions)MemberwiseClone();
        copy.Cascaded = Cascaded.Clone();
        copy.Reconnect = Reconnect.Clone();
        copy.VoiceOptions = VoiceOptions.Clone();
        copy.Silence = Silence.Clone();
        return copy;
    }
}
