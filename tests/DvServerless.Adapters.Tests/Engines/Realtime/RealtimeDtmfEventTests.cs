using System.Text;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>SIP keypresses (<c>input_audio_buffer.dtmf_event_received</c>, the one server event without an event_id).</summary>
public sealed class RealtimeDtmfEventTests
{
    private static List<EngineEvent> Parse(string json)
    {
        var events = new List<EngineEvent>();
        RealtimeServerEventParser.Parse(Encoding.UTF8.GetBytes(json), events, out _);
        return events;
    }

    [Fact]
    public void A_dtmf_event_without_an_event_id_is_a_caller_keypress() =>
        Assert.Equal([new CallerKeypress('#')], Parse("""{"type":"input_audio_buffer.dtmf_event_received","event":"#","received_at":1756324625}"""));

    [Fact]
    public void An_unknown_key_is_ignored_not_an_error() =>
        Assert.Empty(Parse("""{"type":"input_audio_buffer.dtmf_event_received","event":"flash","received_at":1756324625}"""));
}
