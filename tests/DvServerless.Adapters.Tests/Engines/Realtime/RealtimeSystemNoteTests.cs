using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Simulators.Realtime;

using static DvServerless.Adapters.Tests.Engines.Realtime.RealtimeEngineConnectionTests;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>
/// A system note is a GA <c>message</c> item of role <c>system</c> with one <c>input_text</c> part
/// (<c>RealtimeConversationItemMessageSystem</c>), then <c>response.create</c> only when asked for.
/// </summary>
public sealed class RealtimeSystemNoteTests
{
    private const string Note = "The transfer you started failed.";

    [Fact]
    public async Task A_note_is_a_system_message_item_then_a_response_when_asked_and_no_response_when_not()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        await using var engine = new RealtimeEngine("call-1", new AgentOptions(), OpenAIOptions(server));
        await engine.StartAsync(CancellationToken.None);

        await engine.SendSystemNoteAsync(Note, respond: true, CancellationToken.None);
        await engine.SendSystemNoteAsync("Quiet note.", respond: false, CancellationToken.None);
        await engine.SendUserTextAsync("marker", CancellationToken.None);

        Assert.Equal("session.update", (await server.NextFrameAsync()).GetProperty("type").GetString());
        AssertJsonEqual("""
            {"type":"conversation.item.create","item":{"type":"message","role":"system","content":[{"type":"input_text","text":"The transfer you started failed."}]}}
            """, await server.NextFrameAsync());
        AssertJsonEqual("""{"type":"response.create"}""", await server.NextFrameAsync());
        AssertJsonEqual("""
            {"type":"conversation.item.create","item":{"type":"message","role":"system","content":[{"type":"input_text","text":"Quiet note."}]}}
            """, await server.NextFrameAsync());
        // The next frame is the marker's item: the quiet note asked for no response.
        var marker = await server.NextFrameAsync();
        Assert.Equal("user", marker.GetProperty("item").GetProperty("role").GetString());
    }

    [Fact]
    public async Task The_simulator_accepts_the_note_and_the_agent_answers_it()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions
        {
            SystemNoteReply = note => "Sorry: " + note,
            SpeechMsPerCharacter = 10,
            GenerationSpeed = 1000,
        });
        await using var engine = RealtimeEngineSimulatorTests.EngineOn(simulator, "call-note");
        await engine.StartAsync(CancellationToken.None);

        await engine.SendSystemNoteAsync(Note, respond: true, CancellationToken.None);

        var events = await RealtimeEngineSimulatorTests.ReadOneResponseAsync(engine);

        Assert.Equal("Sorry: " + Note, Assert.Single(events.OfType<AgentTranscriptDone>()).Transcript);
        Assert.Empty(simulator.Records.Errors);
        var system = Assert.Single(simulator.Records.Transcripts, t => t.Role == "system");
        Assert.Equal(Note, system.Text);
        Assert.DoesNotContain(simulator.Records.Transcripts, t => t.Role == "user");
    }
}
