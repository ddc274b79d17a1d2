using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;

namespace DvServerless.Cli.Load;

/// <summary>
/// What every load caller says and when: a cycle of three turns — a question, a pause long enough for the agent's whole
/// answer, a second question, a short pause, then a third line spoken over the agent's answer (a barge-in), and a pause
/// for the answer to that — repeated for the call's length. The lines are spoken once (espeak-ng) and the composed audio
/// is shared by all calls.
/// </summary>
public sealed class LoadCallerScript
{
    /// <summary>The caller's three lines, in order; the third is the barge-in.</summary>
    public static IReadOnlyList<string> Lines { get; } =
    [
        "Hi, I would like to check the status of my order.",
        "It was placed last Tuesday.",
        "Sorry, can you say that again?",
    ];

    /// <summary>
    /// The agent's answer to every turn: the Realtime simulator speaks 60 ms per character, so this is about 2.8 s of audio.
    /// </summary>
    public const string AgentReply = "Thanks, let me look that up for you right now.";

    /// <summary>Silence before the first line.</summary>
    public static readonly TimeSpan LeadingSilence = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a line the agent answers in full: 500 ms of silence ends the turn (server VAD), then ~2.8 s of answer, then a
    /// margin.
    /// </summary>
    public static readonly TimeSpan AnswerPause = TimeSpan.FromMilliseconds(4500);

    /// <summary>Before the barge-in line: the agent starts answering after ~0.5 s and has spoken ~0.8 s when the caller cuts in.</summary>
    public static readonly TimeSpan BargeInPause = TimeSpan.FromMilliseconds(1300);

    // Plain espeak-ng word gaps at its default rate, as the demo caller speaks: the pauses above were tuned to it.
    private static readonly TtsVoiceOptions Delivery = new() { Pauses = TtsPauses.Short };

    private LoadCallerScript(byte[] pcm, AudioFormat format, IReadOnlyList<TimeSpan> bargeIns, IReadOnlyList<TimeSpan> lineStarts, IReadOnlyList<TimeSpan> lineEnds)
    {
        Pcm = pcm;
        Format = format;
        BargeIns = bargeIns;
        LineStarts = lineStarts;
        LineEnds = lineEnds;
    }

    /// <summary>The caller's audio for a whole call, PCM16 mono in <see cref="Format"/>.</summary>
    public ReadOnlyMemory<byte> Pcm { get; }

    /// <summary>The format of <see cref="Pcm"/>.</summary>
    public AudioFormat Format { get; }

    /// <summary>When each barge-in line starts, from media start: the caller speaks over the agent from here.</summary>
    public IReadOnlyList<TimeSpan> BargeIns { get; }

    /// <summary>When each line starts, from media start (the last may be cut at the call's end).</summary>
    public IReadOnlyList<TimeSpan> LineStarts { get; }

    /// <summary>
    /// When the speech of each whole line ends (its last sample at −40 dBFS or more; espeak-ng's trailing silence is not
    /// counted), from media start: the agent's answer to it is due from here.
    /// </summary>
    public IReadOnlyList<TimeSpan> LineEnds { get; }

    /// <summary>Whether espeak-ng and sox are installed to speak the lines.</summary>
    public static bool IsAvailable => Calls.CallerAudioSynthesizer.IsAvailable;

    /// <summary>Speaks <see cref="Lines"/> once with espeak-ng's default voice and composes a script of <paramref name="length"/>.</summary>
    /// <exception cref="InvalidOperationException">espeak-ng or sox is not installed.</exception>
    public static Task<LoadCallerScript> SynthesizeAsync(AudioFormat format, TimeSpan length, CancellationToken cancellationToken) =>
        SynthesizeAsync(format, length, "en-us", cancellationToken);

    /// <summary>
    /// Speaks <see cref="Lines"/> once with espeak-ng's <paramref name="voice"/> (e.g. <c>en-us+klatt2</c>, see
    /// <see cref="LoadEngines.CallerVoice"/>) and composes a script of <paramref name="length"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">espeak-ng or sox is not installed.</exception>
    public static async Task<LoadCallerScript> SynthesizeAsync(AudioFormat format, TimeSpan length, string voice, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(voice);
        if (!IsAvailable)
        {
            throw new InvalidOperationException("espeak-ng and sox are needed to speak the load callers (scripts/install-tools.sh installs them).");
        }

        var tts = new EspeakTextToSpeech();
        var spoken = new List<byte[]>(Lines.Count);
        foreach (var line in Lines)
        {
            spoken.Add(await tts.SynthesizeAsync(new TtsRequest(line, voice, format, Options: Delivery), cancellationToken).ConfigureAwait(false));
        }

        return Compose(spoken, format, length);
    }

    /// <summary>
    /// Lays the spoken <paramref name="lines"/> (PCM16 mono in <paramref name="format"/>, one per entry of <see cref="Lines"/>)
    /// out in the turn cycle until <paramref name="length"/> is filled; the last line that does not fit is cut.
    /// </summary>
    public static LoadCallerScript Compose(IReadOnlyList<byte[]> lines, AudioFormat format, TimeSpan length)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count != 3 || lines.Any(line => line.Length == 0))
        {
            throw new ArgumentException("The script needs its three spoken lines.", nameof(lines));
        }

        var total = Bytes(format, length);
        var pcm = new byte[total];
        var bargeIns = new List<TimeSpan>();
        var lineStarts = new List<TimeSpan>();
        var lineEnds = new List<TimeSpan>();
        var at = Bytes(format, LeadingSilence);
        for (var turn = 0; at < total; turn++)
        {
            var line = lines[turn % 3];
            if (turn % 3 == 2)
            {
                bargeIns.Add(TimeSpan.FromMilliseconds(at / format.BytesPerMillisecond));
            }

            lineStarts.Add(TimeSpan.FromMilliseconds(at / format.BytesPerMillisecond));
            var count = Math.Min(line.Length, total - at) & ~1;
            line.AsSpan(0, count).CopyTo(pcm.AsSpan(at));
            if (count == line.Length)
            {
                lineEnds.Add(TimeSpan.FromMilliseconds((at + SpeechLength(line)) / format.BytesPerMillisecond));
            }

            at += line.Length + Bytes(format, turn % 3 == 1 ? BargeInPause : AnswerPause);
        }

        return new LoadCallerScript(pcm, format, bargeIns, lineStarts, lineEnds);
    }

    /// <summary>
    /// Bytes of <paramref name="line"/> up to its last sample at or above −40 dBFS (the offline recognizer's speech level):
    /// espeak-ng ends a line with silence of its own, which is part of no answer's wait. The whole line when none is.
    /// </summary>
    private static int SpeechLength(byte[] line)
    {
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(line.AsSpan(0, line.Length & ~1));
        for (var i = samples.Length - 1; i >= 0; i--)
        {
            if (Math.Abs((int)samples[i]) >= SpeechLevel)
            {
                return (i + 1) * 2;
            }
        }

        return line.Length;
    }

    // −40 dBFS of full scale.
    private const int SpeechLevel = 328;

    private static int Bytes(AudioFormat format, TimeSpan duration) => (int)(format.BytesPerMillisecond * duration.TotalMilliseconds) & ~1;
}
