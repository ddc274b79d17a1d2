namespace DvServerless.Cli.Calls;

/// <summary>What <c>dvs call</c> was asked to do.</summary>
public sealed record CallRunOptions
{
    /// <summary>The caller's WAV, or null for the built-in caller.</summary>
    public FileInfo? CallerWav { get; init; }

    /// <summary>The simulator's transcripts of the caller's utterances, or null for the built-in ones.</summary>
    public IReadOnlyList<string>? Transcripts { get; init; }

    /// <summary>Where to write what the caller heard.</summary>
    public FileInfo? AgentWav { get; init; }

    /// <summary>Where to write the JSON summary.</summary>
    public FileInfo? SummaryJson { get; init; }

    /// <summary>The ACS media format.</summary>
    public string AcsAudioFormat { get; init; } = "pcm24KMono";

    /// <summary>Show the apps' logs.</summary>
    public bool Verbose { get; init; }

    /// <summary>Place the call over OpenAI Realtime SIP (the simulator posts the signed webhook) instead of ACS.</summary>
    public bool Sip { get; init; }

    /// <summary>
    /// The urls file of a running <c>dvs up</c>: place the call on that stack (its tenant's number) instead of starting
    /// one. Null starts a stack for this call.
    /// </summary>
    public FileInfo? Stack { get; init; }

    /// <summary>
    /// The agent's engine (<c>realtime</c>, <c>cascaded</c>, <c>offline</c>); null picks: <c>offline</c> for a caller WAV
    /// when no OpenAI or Azure OpenAI key is set (the simulator cannot hear a real recording), else <c>realtime</c>.
    /// </summary>
    public string? Engine { get; init; }

    /// <summary>Keys the caller presses (DTMF: <c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>, <c>A</c>–<c>D</c>), one every 300 ms from 1 s after media connects; empty for none.</summary>
    public string Keys { get; init; } = string.Empty;

    /// <summary>The keypresses <see cref="Keys"/> stands for.</summary>
    public IReadOnlyList<Simulators.Acs.SimulatedKeypress> Keypresses() =>
        Keys.Select((key, i) => new Simulators.Acs.SimulatedKeypress(key, TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(300) * i)).ToArray();

    /// <summary>Overall limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}
