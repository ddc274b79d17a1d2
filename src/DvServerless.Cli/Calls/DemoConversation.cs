namespace DvServerless.Cli.Calls;

/// <summary>
/// The built-in demo call: what the caller says (spoken with espeak-ng) and what the simulated agent answers. The
/// second utterance starts while the agent is still answering the first, so every demo call has one barge-in.
/// </summary>
public static class DemoConversation
{
    /// <summary>The caller's utterances, in order.</summary>
    public static IReadOnlyList<string> CallerUtterances { get; } =
    [
        "Hello, I ordered a blue jacket last week and it still has not arrived.",
        "Sorry, one more thing. What time do you close today?",
    ];

    /// <summary>What the agent says the moment the call connects, from the TTS prompt cache (before the model speaks).</summary>
    public const string Greeting = "Hello, how can I help you?";

    /// <summary>The caller listens to the greeting before speaking, as people do.</summary>
    // The greeting lasts about 2.1 s and starts 0.2–0.4 s after the answer; 3.5 s keeps the caller clear of it on a busy machine.
    public static TimeSpan LeadingSilence { get; } = TimeSpan.FromMilliseconds(3500);

    /// <summary>Silence between the caller's utterances: long enough for the agent to start, short enough to cut it off.</summary>
    public static TimeSpan PauseBetweenUtterances { get; } = TimeSpan.FromMilliseconds(2600);

    /// <summary>The simulated agent's answers, by turn.</summary>
    public static string AgentReply(int turn, string callerText) => turn switch
    {
        0 => "I am sorry to hear that your jacket has not arrived yet. Let me look into it for you right away. Could you tell me your order number, please?",
        1 => "We close at six o'clock this evening. Is there anything else I can help you with?",
        _ => "Thank you for calling. Goodbye!",
    };
}
