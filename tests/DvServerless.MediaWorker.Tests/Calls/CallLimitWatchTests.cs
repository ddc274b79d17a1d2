using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// The one decision behind silence handling and the time limit, on a fake clock: a prompt exactly at the threshold and
/// only while the call is idle, caller speech forgives the prompts, the goodbye after the unanswered ones, off at 0, and
/// the time limit whatever the call is doing.
/// </summary>
public sealed class CallLimitWatchTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));

    private static CallLimits Silence(int seconds = 30, int prompts = 2, double? maxMinutes = null) =>
        new(TimeSpan.FromSeconds(seconds), prompts, "Goodbye.", maxMinutes is { } m ? TimeSpan.FromMinutes(m) : null, "Time is up.");

    [Fact]
    public void The_prompt_is_due_exactly_at_the_threshold_and_not_a_tick_before()
    {
        var watch = new CallLimitWatch(Silence(30), _time);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), watch.NextDueAt());

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(CallLimitDue.None, watch.Check());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(CallLimitDue.SilencePrompt, watch.Check());
        Assert.Equal(1, watch.PromptsSent);

        // The prompt is said once; the next silence period starts now.
        Assert.Equal(CallLimitDue.None, watch.Check());
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), watch.NextDueAt());
    }

    [Fact]
    public void Nothing_is_due_while_the_call_is_busy_and_the_silence_counts_from_when_it_turned_idle()
    {
        var watch = new CallLimitWatch(Silence(30), _time);
        // The agent speaks (or a response streams, a tool runs, audio waits to play) for 50 s.
        watch.SetBusy(true);
        Assert.Null(watch.NextDueAt());
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(CallLimitDue.None, watch.Check());

        watch.SetBusy(false);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CallLimitDue.None, watch.Check());
        _time.Advance(Second);
        Assert.Equal(CallLimitDue.SilencePrompt, watch.Check());
    }

    [Fact]
    public void After_the_unanswered_prompts_the_next_silence_is_the_goodbye_once()
    {
        var watch = new CallLimitWatch(Silence(10, prompts: 2), _time);
        var due = new List<CallLimitDue>();
        for (var i = 0; i < 60; i++)
        {
            _time.Advance(Second);
            if (watch.Check() is not CallLimitDue.None and var d)
            {
                due.Add(d);
            }
        }

        Assert.Equal([CallLimitDue.SilencePrompt, CallLimitDue.SilencePrompt, CallLimitDue.SilenceGoodbye], due);
        Assert.True(watch.Ended);
        Assert.Null(watch.NextDueAt());
    }

    [Fact]
    public void Caller_speech_restarts_the_silence_and_forgives_the_prompts()
    {
        var watch = new CallLimitWatch(Silence(10, prompts: 1), _time);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CallLimitDue.SilencePrompt, watch.Check());

        _time.Advance(TimeSpan.FromSeconds(5));
        watch.CallerSpoke();             // "yes, I'm here"
        Assert.Equal(0, watch.PromptsSent);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(CallLimitDue.None, watch.Check());
        _time.Advance(Second);
        // A prompt again, not the goodbye: the answer reset the count.
        Assert.Equal(CallLimitDue.SilencePrompt, watch.Check());
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CallLimitDue.SilenceGoodbye, watch.Check());
    }

    [Fact]
    public void With_no_prompts_the_first_silence_ends_the_call()
    {
        var watch = new CallLimitWatch(Silence(10, prompts: 0), _time);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CallLimitDue.SilenceGoodbye, watch.Check());
    }

    [Fact]
    public void Off_at_0_nothing_is_ever_due()
    {
        var limits = CallLimits.From(new AgentOptions { Silence = new AgentSilenceOptions { PromptAfterSeconds = 0 }, MaxCallMinutes = 0 });
        Assert.False(limits.Any);
        var watch = new CallLimitWatch(limits, _time);
        _time.Advance(TimeSpan.FromHours(30));
        Assert.Equal(CallLimitDue.None, watch.Check());
        Assert.Null(watch.NextDueAt());
    }

    [Fact]
    public void The_time_limit_ends_the_call_at_its_length_even_while_busy_and_while_the_caller_talks()
    {
        var watch = new CallLimitWatch(Silence(30, maxMinutes: 2), _time);
        for (var i = 0; i < 119; i++)
        {
            _time.Advance(Second);
            watch.CallerSpoke();
            watch.SetBusy(i % 2 == 0);
            Assert.Equal(CallLimitDue.None, watch.Check());
        }

        Assert.Equal(_time.GetUtcNow() + Second, watch.NextDueAt());
        _time.Advance(Second);
        Assert.Equal(CallLimitDue.TimeLimit, watch.Check());
        Assert.Equal(CallLimitDue.None, watch.Check());
    }

    [Fact]
    public void The_agent_defaults_are_30_seconds_2_prompts_and_120_minutes()
    {
        var limits = CallLimits.From(new AgentOptions());
        Assert.Equal(TimeSpan.FromSeconds(30), limits.SilencePromptAfter);
        Assert.Equal(2, limits.SilencePrompts);
        Assert.Equal(TimeSpan.FromMinutes(120), limits.MaxDuration);
        Assert.False(string.IsNullOrWhiteSpace(limits.SilenceGoodbye));
        Assert.False(string.IsNullOrWhiteSpace(limits.TimeLimitGoodbye));
    }
}
