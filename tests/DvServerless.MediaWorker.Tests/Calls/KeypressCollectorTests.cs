using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Calls;

public sealed class KeypressCollectorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Pound_completes_the_entry_at_once()
    {
        var keys = new KeypressCollector(_time, TimeSpan.FromSeconds(2));

        Assert.Null(keys.Add('1'));
        Assert.Null(keys.Add('2'));
        Assert.Equal("12#", keys.Add('#'));
        Assert.False(keys.HasPending);
    }

    [Fact]
    public void A_pause_completes_the_entry_and_a_shorter_one_does_not()
    {
        var keys = new KeypressCollector(_time, TimeSpan.FromSeconds(2));
        keys.Add('4');
        _time.Advance(TimeSpan.FromSeconds(1.5));
        keys.Add('2');
        _time.Advance(TimeSpan.FromSeconds(1.5));

        Assert.Null(keys.TakeIfDue());
        Assert.Equal(TimeSpan.FromSeconds(0.5), keys.DueIn);

        _time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal("42", keys.TakeIfDue());
        Assert.Null(keys.DueIn);
    }

    [Fact]
    public void The_end_of_the_call_takes_what_is_pending()
    {
        var keys = new KeypressCollector(_time, TimeSpan.FromSeconds(2));
        keys.Add('9');

        Assert.Equal("9", keys.TakeIfDue(force: true));
        Assert.Null(keys.TakeIfDue(force: true));
    }

    [Fact]
    public void An_entry_is_capped_so_a_stuck_key_cannot_grow_it_without_bound()
    {
        var keys = new KeypressCollector(_time, TimeSpan.FromSeconds(2));
        for (var i = 0; i < 1000; i++)
        {
            keys.Add('1');
        }

        Assert.Equal(KeypressCollector.MaxKeys, keys.TakeIfDue(force: true)!.Length);
    }

    [Fact]
    public void The_agent_is_told_the_keys_were_pressed_not_said() =>
        Assert.Equal("[The caller pressed these keys on the phone keypad: 1 2 #]", KeypressCollector.DescribeForAgent("12#"));
}
