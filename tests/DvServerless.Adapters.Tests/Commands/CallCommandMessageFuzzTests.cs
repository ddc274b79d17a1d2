using System.Text;
using CsCheck;
using DvServerless.Adapters.Commands;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.Adapters.Tests.Commands;

/// <summary>
/// Command queue messages: every message the Functions app writes reads back as itself, and a hostile or damaged
/// message is either a well-formed command or poison (false), never an exception that would stop the replica's queue
/// listener.
/// </summary>
public sealed class CallCommandMessageFuzzTests
{
    private static readonly string[] Actions = ["stop", "interrupt", "audio", "say", "comfort-start", "comfort-stop", SipQueueMessages.Reserve, SipQueueMessages.Attach];
    private static readonly string[] Characters = ["a", "Z", "7", " ", "\"", "\\", "/", "\n", "\u0000", "é", "日", "😀", "\u2028", "<", "+"];

    [Fact]
    public void Every_message_written_reads_back_as_itself()
    {
        Fuzz.Check(Gen.Int.Select(seed => Message(new Random(seed))), message =>
        {
            Assert.True(CallCommandMessage.TryParse(message.ToJson(), out var read));
            Assert.Equal(message, read);
        }, message => message.ToJson());
    }

    [Fact]
    public void Hostile_messages_are_a_command_or_poison_never_an_exception()
    {
        QueueMessageFuzz.ReadOrPoison<CallCommandMessage>(Enumerable.Range(0, 8).Select(seed => Message(new Random(seed)).ToJson()).ToArray(), CallCommandMessage.TryParse,
            message =>
            {
                // What the listener relies on: an id safe as a blob name, a call and an action; and it can be written again.
                Assert.True(CallCommandMessage.IsId(message.Id));
                Assert.False(string.IsNullOrEmpty(message.CallId));
                Assert.False(string.IsNullOrEmpty(message.Action));
                Assert.True(CallCommandMessage.TryParse(message.ToJson(), out var again));
                Assert.Equal(message, again);
            });
    }

    [Fact]
    public void A_message_with_a_lone_surrogate_is_poison()
    {
        // Shrunk from the fuzz case that found it (seed 2tT7tsc3RF61): TryParse threw ArgumentException.
        var json = new CallCommandMessage("dd85cfce1ee2d13171650938abd2b776", "call-1", "stop", DateTimeOffset.MaxValue).ToJson();
        Assert.True(CallCommandMessage.TryParse(json, out _));

        Assert.False(CallCommandMessage.TryParse("\uD800" + json, out var message));
        Assert.Null(message);
        Assert.False(CallCommandMessage.TryParse(json.Replace("call-1", "call-\uDC00", StringComparison.Ordinal), out _));
    }

    private static CallCommandMessage Message(Random random)
    {
        var action = Actions[random.Next(Actions.Length)];
        var id = new byte[16];
        random.NextBytes(id);
        return new CallCommandMessage(
            Convert.ToHexStringLower(id),
            "call-" + Text(random, 1),
            action,
            DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 253402300799999)).ToOffset(TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))),
            Enabled: action == "audio" ? random.Next(2) == 0 : null,
            Text: action == "say" ? Text(random, 0) : null,
            Voice: action == "say" && random.Next(2) == 0 ? "alloy" : null,
            Interrupt: action == "say" ? random.Next(2) == 0 : null,
            SipCallId: action == SipQueueMessages.Attach ? "rtc_" + Text(random, 1) : null);
    }

    private static string Text(Random random, int minimum)
    {
        var text = new StringBuilder();
        for (var n = random.Next(minimum, random.Next(20) == 0 ? 2000 : 40); n > 0; n--)
        {
            text.Append(Characters[random.Next(Characters.Length)]);
        }

        return text.ToString();
    }
}
