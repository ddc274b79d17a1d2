using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Load;

/// <summary>
/// How long one caller waits for each answer: from the end of a line of the <see cref="LoadCallerScript"/> to the first
/// agent audio frame that arrives after it, before the caller's next line starts (a later answer is not counted: the
/// caller has moved on), and only when the agent was quiet as the line ended (it never spoke during the line, or a
/// StopAudio cut what it said): a frame of an answer still playing is no answer to the line. It holds all the engine's turn work — end-of-turn silence, recognition, the reply, speech
/// synthesis — and the gateway's, so it is the figure that tells a speech-to-speech model from a cascaded engine.
/// </summary>
/// <remarks>Fed from the simulated call's socket receive loop, one message at a time; no locks, no allocation.</remarks>
public sealed class AnswerLatencyMeter
{
    private readonly LatencyHistogram _latency;
    private readonly IReadOnlyList<TimeSpan> _lineStarts;
    private readonly IReadOnlyList<TimeSpan> _lineEnds;
    private int _next;
    private TimeSpan _lastFrame = TimeSpan.MinValue;
    private TimeSpan _lastStop = TimeSpan.MinValue;

    /// <summary>A meter for <paramref name="script"/>'s lines that records into <paramref name="latency"/>, ms.</summary>
    public AnswerLatencyMeter(LoadCallerScript script, LatencyHistogram latency)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(latency);
        _lineStarts = script.LineStarts;
        _lineEnds = script.LineEnds;
        _latency = latency;
    }

    /// <summary>Answers measured.</summary>
    public int Answers { get; private set; }

    /// <summary>Takes one message the app sent, as it arrived.</summary>
    public void OnMessage(OutboundMediaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == OutboundMediaKind.StopAudio)
        {
            _lastStop = message.ArrivedAt;
            return;
        }

        if (message.Kind != OutboundMediaKind.AudioData || message.AudioBytes == 0)
        {
            return;
        }

        // Frames before the next line's end belong to an earlier answer (or are the one it interrupts).
        while (_next < _lineEnds.Count && message.ArrivedAt >= _lineEnds[_next])
        {
            var answeredInTime = _next + 1 >= _lineStarts.Count || message.ArrivedAt < _lineStarts[_next + 1];
            var quietAtLineEnd = _lastFrame < _lineStarts[_next] || _lastFrame <= _lastStop;
            if (answeredInTime && quietAtLineEnd)
            {
                _latency.Record((message.ArrivedAt - _lineEnds[_next]).TotalMilliseconds);
                Answers++;
            }

            _next++;
        }

        _lastFrame = message.ArrivedAt;
    }
}
