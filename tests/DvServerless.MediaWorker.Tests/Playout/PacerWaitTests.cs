using DvServerless.MediaWorker.Playout;

namespace DvServerless.MediaWorker.Tests.Playout;

/// <summary>
/// How long the pacer's thread waits for the next timer. Monitors wait in whole milliseconds, so a wait that dropped a due
/// time's fraction would wake early, find nothing due and wait again: a spin of empty wake-ups per frame.
/// </summary>
public sealed class PacerWaitTests
{
    [Theory]
    [InlineData(0.0001, 1)]
    [InlineData(0.6, 1)]
    [InlineData(1.0, 1)]
    [InlineData(1.0001, 2)]
    [InlineData(19.2, 20)]
    [InlineData(20.0, 20)]
    public void A_delay_in_the_future_is_rounded_up_to_whole_milliseconds(double untilDueMs, int expectedMs)
    {
        var delay = PlayoutPacer.WaitFor(TimeSpan.FromMilliseconds(untilDueMs));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Fact]
    public void A_delay_of_one_tick_does_not_become_zero()
    {
        // The playout clock's due time is one tick past the moment a frame is under the lead: a wait of zero would wake
        // before it.
        Assert.Equal(TimeSpan.FromMilliseconds(1), PlayoutPacer.WaitFor(TimeSpan.FromTicks(1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(-40)]
    public void Work_already_due_fires_at_once(double untilDueMs)
    {
        Assert.Equal(TimeSpan.Zero, PlayoutPacer.WaitFor(TimeSpan.FromMilliseconds(untilDueMs)));
    }

    [Fact]
    public void Every_delay_is_whole_milliseconds_and_never_early_nor_a_millisecond_late()
    {
        var random = new Random(20261206);
        for (var i = 0; i < 10_000; i++)
        {
            var untilDue = TimeSpan.FromTicks(random.NextInt64(1, TimeSpan.TicksPerSecond));

            var delay = PlayoutPacer.WaitFor(untilDue);

            Assert.Equal(0, delay.Ticks % TimeSpan.TicksPerMillisecond);
            Assert.True(delay >= untilDue, $"{delay} fires before {untilDue}");
            Assert.True(delay - untilDue < TimeSpan.FromMilliseconds(1), $"{delay} is a millisecond or more after {untilDue}");
        }
    }
}
