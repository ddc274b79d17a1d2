using DvServerless.MediaWorker.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Hosting;

public sealed class ActiveCallsTests
{
    [Fact]
    public async Task Drain_waits_for_running_calls_to_end()
    {
        using var calls = new ActiveCalls();
        var call = calls.Register("call-1");

        var drain = calls.DrainAsync(TimeSpan.FromSeconds(30), new FakeTimeProvider(), CancellationToken.None);
        Assert.True(calls.IsDraining);
        Assert.False(drain.IsCompleted);

        call.Dispose();
        Assert.Equal(0, await drain.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(calls.CutOff.IsCancellationRequested);
    }

    [Fact]
    public async Task Drain_gives_up_after_the_timeout_and_reports_the_calls_left()
    {
        using var calls = new ActiveCalls();
        using var call = calls.Register("call-1");
        var time = new FakeTimeProvider();

        var drain = calls.DrainAsync(TimeSpan.FromSeconds(30), time, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(1, await drain.WaitAsync(TimeSpan.FromSeconds(10)));
        calls.CutOffRemaining();
        Assert.True(calls.CutOff.IsCancellationRequested);
    }
}
