using System.Text;
using CsCheck;
using DvServerless.Adapters.CallActions;
using DvServerless.Adapters.Storage;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.Adapters.Tests.CallActions;

/// <summary>
/// The call action messages the media worker puts on <c>dvs-call-actions</c>: the exact wire JSON, every message written
/// reads back as itself, and a hostile or damaged message is a well-formed action or poison (false), never an exception
/// that would stop the Functions app's poller or make the host retry a message that can never succeed.
/// </summary>
public sealed class CallActionMessageFuzzTests
{
    private static readonly string[] Characters = ["a", "Z", "7", " ", "\"", "\\", "/", "\n", "\u0000", "é", "日", "😀", "\u2028", "<", "+"];

    [Fact]
    public void The_wire_json_is_versioned_and_names_no_transfer_target()
    {
        var json = new CallActionMessage("call-1", CallActionKind.Transfer, "transfer tool", "contoso").ToJson();

        Assert.Equal("""{"v":1,"callId":"call-1","action":"transfer","reason":"transfer tool","tenantId":"contoso"}""", json);
        Assert.Equal("""{"v":1,"callId":"call-2","action":"hangUp"}""", new CallActionMessage("call-2", CallActionKind.HangUp).ToJson());
    }

    [Theory]
    [InlineData("""{"v":1,"callId":"call-1","action":"hangUp","reason":"end_call","tenantId":"contoso"}""", CallActionKind.HangUp)]
    [InlineData("""{"callId":"call-1","action":"transfer","v":1}""", CallActionKind.Transfer)]
    public void A_well_formed_message_is_read(string json, CallActionKind action)
    {
        Assert.True(CallActionMessage.TryParse(json, out var message));
        Assert.Equal("call-1", message!.CallId);
        Assert.Equal(action, message.Action);
    }

    [Theory]
    [InlineData("""{"v":1,"callId":"call-1","action":"dial"}""")]                        // unknown action
    [InlineData("""{"v":1,"callId":"call-1","action":"HangUp"}""")]                      // names are exact
    [InlineData("""{"v":1,"callId":"call-1","action":1}""")]                             // not a name
    [InlineData("""{"v":1,"action":"hangUp"}""")]                                        // missing call id
    [InlineData("""{"v":1,"callId":"","action":"hangUp"}""")]
    [InlineData("""{"v":1,"callId":"../sessions/x","action":"hangUp"}""")]               // not a call id
    [InlineData("""{"callId":"call-1","action":"hangUp"}""")]                            // no version
    [InlineData("""{"v":2,"callId":"call-1","action":"hangUp"}""")]                      // a version this code does not know
    [InlineData("""{"v":1,"callId":"call-1","action":"transfer","target":"+1555"}""")]  // a target: never from the worker
    [InlineData("""{"v":1,"callId":"call-1","action":"hangUp","tenantId":"a b"}""")]     // not a tenant id
    [InlineData("""[]""")]
    [InlineData("""null""")]
    [InlineData("")]
    public void A_malformed_message_is_poison(string json)
    {
        Assert.False(CallActionMessage.TryParse(json, out var message));
        Assert.Null(message);
    }

    [Fact]
    public void A_reason_longer_than_the_limit_is_poison()
    {
        var reason = new string('x', CallActionMessage.MaxReasonLength);
        Assert.True(CallActionMessage.TryParse(new CallActionMessage("call-1", CallActionKind.HangUp, reason).ToJson(), out _));
        Assert.False(CallActionMessage.TryParse(new CallActionMessage("call-1", CallActionKind.HangUp, reason + "x").ToJson(), out _));
    }

    [Fact]
    public void Every_message_written_reads_back_as_itself()
    {
        Fuzz.Check(Gen.Int.Select(seed => Message(new Random(seed))), message =>
        {
            Assert.True(CallActionMessage.TryParse(message.ToJson(), out var read));
            Assert.Equal(message, read);
        }, message => message.ToJson());
    }

    [Fact]
    public void Hostile_messages_are_an_action_or_poison_never_an_exception()
    {
        QueueMessageFuzz.ReadOrPoison<CallActionMessage>(Enumerable.Range(0, 8).Select(seed => Message(new Random(seed)).ToJson()).ToArray(), CallActionMessage.TryParse,
            message =>
            {
                // What the Functions app relies on: a call id safe as a blob name, a known action, a bounded reason.
                Assert.True(CallIdFormat.IsValid(message.CallId));
                Assert.True(Enum.IsDefined(message.Action));
                Assert.True(message.Reason is null || message.Reason.Length <= CallActionMessage.MaxReasonLength);
                Assert.True(CallActionMessage.TryParse(message.ToJson(), out var again));
                Assert.Equal(message, again);
            });
    }

    private static CallActionMessage Message(Random random) => new(
        "call-" + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())),
        random.Next(2) == 0 ? CallActionKind.HangUp : CallActionKind.Transfer,
        random.Next(4) == 0 ? null : Text(random),
        random.Next(3) == 0 ? null : "tenant-" + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Text(Random random)
    {
        var text = new StringBuilder();
        for (var n = random.Next(0, random.Next(10) == 0 ? CallActionMessage.MaxReasonLength / 2 : 40); n > 0; n--)
        {
            text.Append(Characters[random.Next(Characters.Length)]);
        }

        return text.ToString();
    }
}
