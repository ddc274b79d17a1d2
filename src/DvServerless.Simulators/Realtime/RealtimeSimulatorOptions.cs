using System.ComponentModel.DataAnnotations;
using DvServerless.Core.Hosting;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Settings and script of the <see cref="RealtimeSimulator"/>: the key it accepts, what the caller "says" (the
/// transcripts of the caller's utterances, in order), what the agent answers, how fast the agent's audio is produced,
/// the voice-activity defaults and the session length limit.
/// </summary>
public sealed class RealtimeSimulatorOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RealtimeSimulator";

    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>The API key accepted as <c>Authorization: Bearer</c>, <c>api-key</c> or the browser subprotocol.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ApiKey { get; set; } = LocalDefaults.RealtimeSimulatorApiKey;

    /// <summary>The model named in <c>session.created</c> when the client asked for none (sideband, transcription).</summary>
    public string DefaultModel { get; set; } = "gpt-realtime";

    /// <summary>
    /// The input transcription of the 1st, 2nd, … caller utterance (audio turns in the order the VAD or the client
    /// commits them). A turn past the end of the table is heard as an empty transcript.
    /// </summary>
    public IReadOnlyList<string> CallerTranscripts { get; set; } = [];

    /// <summary>
    /// The agent's text for a caller turn: (turn index, caller transcript) → reply. A reply of the form
    /// <c>tool:NAME {json}</c> makes the agent call the function NAME with those arguments instead of speaking.
    /// Null uses <see cref="DefaultAgentReply"/>.
    /// </summary>
    public Func<int, string, string>? AgentReply { get; set; }

    /// <summary>The agent's text after a function result: (tool name, output) → reply. Null uses a canned sentence.</summary>
    public Func<string, string, string>? ToolResultReply { get; set; }

    /// <summary>
    /// The agent's text for a <c>response.create</c> that carries <c>response.instructions</c> (e.g. a greeting):
    /// instructions → reply. Null answers with a fixed greeting.
    /// </summary>
    public Func<string, string>? InstructedReply { get; set; }

    /// <summary>The agent's text for a <c>response.create</c> right after a system message the client added: note → reply. Null uses <see cref="DefaultSystemNoteReply"/>.</summary>
    public Func<string, string>? SystemNoteReply { get; set; }

    /// <summary>The reply to a system note when <see cref="SystemNoteReply"/> is null.</summary>
    public const string DefaultSystemNoteReply = "I am sorry, that did not work out. I am still here with you: how else can I help?";

    /// <summary>Length of the agent's speech per character of reply text, in milliseconds.</summary>
    [Range(1.0, 1000.0)]
    public double SpeechMsPerCharacter { get; set; } = 60;

    /// <summary>How many times faster than real time the agent's audio is produced (the real service runs ahead too).</summary>
    [Range(0.1, 100_000.0)]
    public double GenerationSpeed { get; set; } = 4;

    /// <summary>Default <c>turn_detection.threshold</c> (0–1; mapped to an energy threshold in dBFS).</summary>
    [Range(0.0, 1.0)]
    public double VadThreshold { get; set; } = 0.5;

    /// <summary>Default <c>turn_detection.prefix_padding_ms</c>.</summary>
    [Range(0, 10_000)]
    public int VadPrefixPaddingMs { get; set; } = 300;

    /// <summary>Default <c>turn_detection.silence_duration_ms</c> (the spec's description gives 500).</summary>
    [Range(0, 10_000)]
    public int VadSilenceDurationMs { get; set; } = 500;

    /// <summary>
    /// Keep a client-event record for every <c>input_audio_buffer.append</c> (the default). Off for load and soak runs: at
    /// 50 appends per second per call, 50 calls grow the records by about 0.4 MB a second; every other event is kept.
    /// </summary>
    public bool RecordAudioAppends { get; set; } = true;

    /// <summary>After this long a session is closed with 1001, as the real service does at 60 minutes.</summary>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// Drops sessions' sockets abruptly after a time or a number of responses (network-fault injection for reconnect
    /// tests); null never drops. A session opened after a dropped one goes on with <see cref="CallerTranscripts"/> where
    /// the dropped one stopped, as the caller's next words are the script's next line.
    /// </summary>
    public RealtimeConnectionDrop? ConnectionDrop { get; set; }

    /// <summary>The clock for pacing and the session limit; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Where the simulator logs; nothing is logged when null.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The reply used when <see cref="AgentReply"/> is null: a friendly sentence that repeats what was heard.</summary>
    public static string DefaultAgentReply(int turn, string callerTranscript) =>
        string.IsNullOrWhiteSpace(callerTranscript)
            ? "Sorry, I did not catch that. Could you say it again?"
            : $"I heard you say: {callerTranscript.Trim()}. How else can I help?";

    /// <summary>Checks the settings; throws <see cref="ValidationException"/> with the first problem.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (MaxSessionDuration <= TimeSpan.Zero)
        {
            throw new ValidationException("RealtimeSimulator:MaxSessionDuration must be positive.");
        }

        if (ConnectionDrop?.Problem() is { } dropProblem)
        {
            throw new ValidationException(dropProblem);
        }

        if (CallerTranscripts is null)
        {
            throw new ValidationException("RealtimeSimulator:CallerTranscripts must not be null.");
        }
    }
}
