using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.DependencyInjection;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// A note from the phone system (a transfer that failed) reaches the engine as a system message with a response, never
/// as the caller's words, and never over a response that is still streaming or before the engine is ready.
/// </summary>
public sealed class SystemNoteLoopTests
{
    private const string Note = "The transfer you started failed: the person could not be reached.";

    [Fact]
    public async Task The_note_command_gives_the_engine_a_system_note_that_asks_for_a_response()
    {
        await using var call = new CallLoopHarness();
        await call.SettleAsync();
        var calls = new LiveCalls();
        using var registration = calls.Register(new LiveCall("call-1", "acme", CallChannel.Acs, call.Loop));
        var commands = new LiveCallCommands(calls, new ServiceCollection().BuildServiceProvider());

        Assert.Equal(CallCommandAction.Note, LiveCallCommands.Parse("note"));
        var (status, _) = await commands.ApplyAsync("call-1", CallCommandAction.Note, new CallCommandBody(Text: "  " + Note + " "), default);
        await call.SettleAsync();

        Assert.Equal(CallCommandStatus.Done, status);
        Assert.Equal([(Note, true)], call.Engine.SystemNotes);
        Assert.Empty(call.Engine.UserTexts);
        Assert.Empty(call.Engine.ResponsesCreated); // the note's own response, not a second one
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public async Task A_note_without_text_or_too_long_is_invalid_and_an_unknown_call_is_not_live(string? text)
    {
        await using var call = new CallLoopHarness();
        await call.SettleAsync();
        var calls = new LiveCalls();
        using var registration = calls.Register(new LiveCall("call-1", "acme", CallChannel.Acs, call.Loop));
        var commands = new LiveCallCommands(calls, new ServiceCollection().BuildServiceProvider());

        Assert.Equal(CallCommandStatus.Invalid, (await commands.ApplyAsync("call-1", CallCommandAction.Note, new CallCommandBody(Text: text), default)).Status);
        Assert.Equal(CallCommandStatus.Invalid, (await commands.ApplyAsync("call-1", CallCommandAction.Note,
            new CallCommandBody(Text: new string('a', LiveCallCommands.MaxNoteLength + 1)), default)).Status);
        Assert.Equal(CallCommandStatus.NotLive, (await commands.ApplyAsync("call-2", CallCommandAction.Note, new CallCommandBody(Text: Note), default)).Status);
        await call.SettleAsync();
        Assert.Empty(call.Engine.SystemNotes);
    }

    [Fact]
    public async Task A_note_waits_for_the_streaming_response_to_finish()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, 0x11)));
        await call.AdvanceAsync(40);

        Assert.True(call.Loop.SendSystemNote(Note));
        await call.SettleAsync();
        Assert.Empty(call.Engine.SystemNotes);

        await call.EmitAsync(new ResponseFinished("resp-1", "completed", null));
        await call.SettleAsync();
        Assert.Equal([(Note, true)], call.Engine.SystemNotes);
    }

    [Fact]
    public async Task A_note_before_the_engine_is_ready_goes_to_it_once_it_is()
    {
        var connect = new TaskCompletionSource();
        await using var call = new CallLoopHarness(engineStartGate: connect.Task);

        Assert.True(call.Loop.SendSystemNote(Note));
        await call.Loop.WhenProcessedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(call.Engine.SystemNotes);

        connect.SetResult();
        for (var i = 0; i < 500 && call.Engine.SystemNotes.Count == 0; i++)
        {
            await call.SettleAsync();
            await Task.Delay(5);
        }

        Assert.Equal([(Note, true)], call.Engine.SystemNotes);
    }
}
