using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Engines.Resilience;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that says which timers were armed, so a test advances the clock only once the code
/// under test waits on it (advancing earlier would let the wait start late and prove nothing about its length).
/// </summary>
internal sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly List<TimeSpan> _armed = [];

    /// <summary>The due times of the timers created so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Armed
    {
        get
        {
            lock (_armed)
            {
                return _armed.ToArray();
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_armed)
        {
            _armed.Add(dueTime);
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Waits (real time, up to 5 s) until a timer of <paramref name="dueTime"/> has been armed <paramref name="count"/> times.</summary>
    public async Task ArmedAsync(TimeSpan dueTime, int count = 1)
    {
        for (var i = 0; i < 500 && Armed.Count(t => t == dueTime) < count; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(Armed.Count(t => t == dueTime) >= count, $"no {dueTime.TotalMilliseconds} ms timer was armed; armed: {string.Join(", ", Armed)}");
    }
}
