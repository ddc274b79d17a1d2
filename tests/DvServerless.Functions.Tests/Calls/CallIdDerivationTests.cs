using DvServerless.Adapters.Storage;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Tests.Fakes;

namespace DvServerless.Functions.Tests.Calls;

public sealed class CallIdDerivationTests
{
    [Fact]
    public void The_correlation_id_is_the_call_id()
    {
        Assert.Equal(IncomingCallSamples.CorrelationId, CallIdDerivation.From(IncomingCallSamples.Notification()));
    }

    [Fact]
    public void Without_a_correlation_id_the_server_call_id_gives_a_stable_safe_id()
    {
        var notification = IncomingCallSamples.Notification() with { CorrelationId = null };

        var first = CallIdDerivation.From(notification);
        var again = CallIdDerivation.From(notification with { EventId = "other-delivery" });

        Assert.Equal(first, again);
        Assert.True(CallIdFormat.IsValid(first));
        Assert.NotEqual(CallIdDerivation.From(notification with { ServerCallId = "b3RoZXI=" }), first);
    }

    [Fact]
    public void Without_correlation_or_server_call_id_the_event_id_is_used()
    {
        var notification = IncomingCallSamples.Notification() with { CorrelationId = "", ServerCallId = null, EventId = "evt-1" };

        Assert.Equal("evt-1", CallIdDerivation.From(notification));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("x%2F")]
    public void Unsafe_values_are_hashed(string correlationId)
    {
        var callId = CallIdDerivation.From(IncomingCallSamples.Notification(correlationId: correlationId));

        Assert.True(CallIdFormat.IsValid(callId));
        Assert.StartsWith("h", callId, StringComparison.Ordinal);
        Assert.Equal(33, callId.Length);
    }
}
