using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls;

/// <summary>How one call loop behaves. Built per call from the worker options and the agent.</summary>
public sealed class CallLoopOptions
{
    /// <summary>How far ahead of the caller's playback position agent audio is sent.</summary>
    public TimeSpan PlayoutLead { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// True when the engine cancels its response by itself when the caller starts speaking (Realtime server VAD and
    /// semantic VAD with the default <c>interrupt_response: true</c>). Then the loop does not send <c>response.cancel</c>
    /// on barge-in: the server already cancels (<c>response.done</c> status <c>cancelled</c>, reason <c>turn_detected</c>),
    /// and a cancel with nothing in progress only earns an error event. When false the loop cancels a response in progress.
    /// </summary>
    public bool EngineInterruptsOnSpeech { get; init; } = true;

    /// <summary>Whether the agent speaks first.</summary>
    public bool GreetFirst { get; init; }

    /// <summary>One-off instructions for the greeting.</summary>
    public string? GreetingInstructions { get; init; }

    /// <summary>The false-interruption gate (see <see cref="BargeInGateOptions"/>); off by default.</summary>
    public BargeInGateOptions BargeInGate { get; init; } = new();

    /// <summary>How long the gate waits after the caller stopped for the transcript it counts words in, before it lets the agent resume.</summary>
    public TimeSpan BargeInGateTranscriptWait { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long after the caller's last keypad key the keys go to the agent (<c>#</c> sends them at once).</summary>
    public TimeSpan KeypadPause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the loop waits at the end for record entries still being appended, retrying while storage is out. The
    /// media is gone by then, so the wait costs the caller nothing; it is long because storage can stall for seconds as
    /// many calls end together (a 50-call load run saw Azurite unanswered for over 10 s), and the end of a transcript
    /// must not be lost to that.
    /// </summary>
    public TimeSpan RecordFlushTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Silence handling and the time limit (<see cref="CallLimits"/>); off unless built from an agent.</summary>
    public CallLimits Limits { get; init; } = CallLimits.Off;

    /// <summary>Derives the loop options from the agent (its turn detection decides who cancels on barge-in) and the gate settings.</summary>
    public static CallLoopOptions From(AgentOptions agent, TimeSpan playoutLead, BargeInGateOptions? bargeInGate = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new CallLoopOptions
        {
            PlayoutLead = playoutLead,
            // AgentOptions has no interrupt_response switch; both VAD modes default it to true (PROTOCOL.md §1.6).
            EngineInterruptsOnSpeech = !string.IsNullOrWhiteSpace(agent.TurnDetection),
            GreetFirst = agent.GreetFirst,
            GreetingInstructions = agent.GreetingInstructions,
            BargeInGate = bargeInGate ?? new BargeInGateOptions(),
            Limits = CallLimits.From(agent),
        };
    }
}
