using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// A caller utterance the engine could not transcribe is not lost from the call's record: its turn is written, at the
/// time the caller started speaking, marked as not transcribed and with no sentiment guessed from it.
/// </summary>
public sealed class CallerNotTranscribedRecordTests
{
    [Fact]
    public async Task A_failed_transcription_is_recorded_as_a_caller_turn_marked_not_transcribed()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new CallerSpeechStarted(1200, "item-7"));
        await call.EmitAsync(new CallerTranscriptFailed("item-7", "Audio file might be corrupted or unsupported"));

        var entries = await call.Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn"));
        var turn = Assert.Single(entries, x => x.Kind == "turn");
        Assert.Equal(("caller", "[not transcribed]", "item-7", 1200L), (turn.Speaker, turn.Text, turn.ItemId, turn.StartMs));
        Assert.Null(turn.Sentiment);
        Assert.Null(turn.SentimentScore);
    }

    [Fact]
    public async Task The_next_utterance_is_transcribed_as_usual()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new CallerTranscriptFailed("item-1", null));
        await call.EmitAsync(new CallerTranscript("item-2", "Can you hear me now?"));

        var entries = await call.Sink.WaitForAsync(e => e.Count(x => x.Kind == "turn") == 2);
        Assert.Equal(["[not transcribed]", "Can you hear me now?"], entries.Where(x => x.Kind == "turn").Select(x => x.Text ?? "").ToArray());
    }
}
