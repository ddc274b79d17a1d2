using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>Keypad keys in a call loop, on the fake clock: the agent gets them as user text, the transcript as a caller line.</summary>
public sealed class CallKeypadLoopTests
{
    [Fact]
    public async Task Digits_go_to_the_agent_once_the_caller_pauses_and_not_before()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new CallerKeypress('4'));
        await call.AdvanceAsync(1500);
        await call.EmitAsync(new CallerKeypress('2'));
        await call.AdvanceAsync(1980);

        Assert.Empty(call.Engine.UserTexts); // 2 s from the last key, not from the first

        await call.AdvanceAsync(20);

        Assert.Equal([KeypressCollector.DescribeForAgent("42")], call.Engine.UserTexts);
        var entries = await call.Sink.WaitForAsync(e => e.Any(r => r.Text == "[keypad] 4 2"));
        var line = Assert.Single(entries, r => r.Text == "[keypad] 4 2");
        Assert.Equal(("turn", "caller"), (line.Kind, line.Speaker));
    }

    [Fact]
    public async Task Pound_sends_the_keys_at_once_with_the_pound()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new CallerKeypress('4'), new CallerKeypress('2'), new CallerKeypress('#'));
        await call.SettleAsync();

        Assert.Equal([KeypressCollector.DescribeForAgent("42#")], call.Engine.UserTexts);
        await call.Sink.WaitForAsync(e => e.Any(r => r.Kind == "turn" && r.Speaker == "caller" && r.Text == "[keypad] 4 2 #"));

        // Nothing is left pending to be sent again after a pause.
        await call.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Single(call.Engine.UserTexts);
    }

    [Fact]
    public async Task The_pause_is_the_loops_keypad_pause()
    {
        await using var call = new CallLoopHarness(options: new CallLoopOptions { KeypadPause = TimeSpan.FromSeconds(5) });
        await call.EmitAsync(new CallerKeypress('9'));
        await call.AdvanceAsync(TimeSpan.FromSeconds(4.9));
        Assert.Empty(call.Engine.UserTexts);

        await call.AdvanceAsync(100);
        Assert.Equal([KeypressCollector.DescribeForAgent("9")], call.Engine.UserTexts);
    }

    [Fact]
    public async Task Keys_from_the_leg_take_the_same_path_as_keys_from_the_engine()
    {
        await using var call = new CallLoopHarness();
        call.Leg.PressKey('7');
        call.Leg.PressKey('#');

        // The leg's keys are read on their own task: wait for them to arrive (no clock is involved with a #).
        var entries = await call.Sink.WaitForAsync(e => e.Any(r => r.Text == "[keypad] 7 #"));
        for (var i = 0; i < 5000 && UserTextCount(call) == 0; i++)
        {
            await Task.Delay(1);
        }

        await call.SettleAsync();
        Assert.Equal([KeypressCollector.DescribeForAgent("7#")], call.Engine.UserTexts);
        Assert.Single(entries, r => r.Text == "[keypad] 7 #");
    }

    private static int UserTextCount(CallLoopHarness call)
    {
        lock (call.Engine.UserTexts)
        {
            return call.Engine.UserTexts.Count;
        }
    }
}
