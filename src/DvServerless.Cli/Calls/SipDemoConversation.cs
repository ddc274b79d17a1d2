namespace DvServerless.Cli.Calls;

/// <summary>
/// The built-in SIP demo call: the agent greets, the caller speaks twice with room for each answer (no barge-in: the
/// sideband has no audio to cut), then hangs up.
/// </summary>
public static class SipDemoConversation
{
    /// <summary>The INVITE's headers the simulated trunk sends (From/To numbers are fictional 555 numbers).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> SipHeaders { get; } =
    [
        new("From", "\"Demo Caller\" <sip:+14155550100@trunk.example.com>;tag=dvs-demo"),
        new("To", "<sip:+14155550199@sip.api.openai.com>"),
        new("Call-ID", "dvs-demo-sip-call@trunk.example.com"),
        new("X-Customer-Id", "demo-customer-42"),
    ];

    /// <summary>Silence between the caller's utterances: long enough for the agent's answer to finish.</summary>
    public static TimeSpan PauseBetweenUtterances { get; } = TimeSpan.FromMilliseconds(4000);

    /// <summary>The simulated agent's answers, by turn.</summary>
    public static string AgentReply(int turn, string callerText) => turn switch
    {
        0 => "I am sorry your jacket is late. Could you tell me your order number?",
        1 => "We close at six o'clock this evening.",
        _ => "Thank you for calling. Goodbye!",
    };
}
