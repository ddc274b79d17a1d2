using DvServerless.Cli.Load;

namespace DvServerless.Cli.Tests.Load;

public sealed class CountedCallTests
{
    [Fact]
    public async Task A_call_whose_checks_throw_is_counted_as_failed_with_the_reason_so_the_run_does_not_wait_for_it_forever()
    {
        var measurements = new LoadMeasurements(TimeSpan.FromMilliseconds(100));

        var outcome = await CountedCall.RunAsync(7, _ => throw new InvalidOperationException("storage busy"), measurements, CancellationToken.None);

        Assert.False(outcome.Completed);
        Assert.Equal(7, outcome.Index);
        Assert.Contains("InvalidOperationException: storage busy", outcome.Failure, StringComparison.Ordinal);
        Assert.Equal((0, 1), (measurements.Completed, measurements.Failed));
    }

    [Fact]
    public async Task A_call_that_returns_is_counted_as_it_went()
    {
        var measurements = new LoadMeasurements(TimeSpan.FromMilliseconds(100));

        await CountedCall.RunAsync(1, _ => Task.FromResult(new LoadCallOutcome(1, null, 10, 5)), measurements, CancellationToken.None);
        await CountedCall.RunAsync(2, _ => Task.FromResult(new LoadCallOutcome(2, "never answered", 0, 0)), measurements, CancellationToken.None);

        Assert.Equal((1, 1), (measurements.Completed, measurements.Failed));
    }

    [Fact]
    public async Task A_cancelled_run_is_not_counted_as_a_failed_call()
    {
        var measurements = new LoadMeasurements(TimeSpan.FromMilliseconds(100));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            CountedCall.RunAsync(3, token => Task.FromCanceled<LoadCallOutcome>(token), measurements, cancelled.Token));
        Assert.Equal((0, 0), (measurements.Completed, measurements.Failed));
    }
}
