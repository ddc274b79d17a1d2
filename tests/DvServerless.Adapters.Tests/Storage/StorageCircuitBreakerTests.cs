using DvServerless.Adapters.Storage;
using DvServerless.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// The breaker holds storage as out after the configured failures in a row, refuses tries while it is, lets one trial
/// through per break period, and closes on an answer: timed on a fake clock.
/// </summary>
public sealed class StorageCircuitBreakerTests : IDisposable
{
    private static readonly StorageOptions Options = new() { BreakAfterFailures = 3, BreakDuration = TimeSpan.FromSeconds(1) };

    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly StorageCircuitBreaker _breaker;

    public StorageCircuitBreakerTests()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        _breaker = new StorageCircuitBreaker(Options, _time, _loggers.CreateLogger<StorageCircuitBreaker>());
    }

    public void Dispose() => _loggers.Dispose();

    [Fact]
    public void It_opens_after_the_configured_failures_in_a_row_and_then_refuses_tries()
    {
        FailTries(2);
        Assert.False(_breaker.IsOpen);
        Assert.True(_breaker.TryAdmit(out _));

        _breaker.Failed(trial: false, "timed out");

        Assert.True(_breaker.IsOpen);
        Assert.False(_breaker.TryAdmit(out _));
        Assert.Contains(_logs.Messages, m => m.Contains("failed 3 tries in a row", StringComparison.Ordinal) && m.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public void An_answer_between_failures_starts_the_count_again()
    {
        FailTries(2);
        Assert.True(_breaker.TryAdmit(out var trial));
        _breaker.Succeeded(trial);

        FailTries(2);

        Assert.False(_breaker.IsOpen);
    }

    [Fact]
    public void After_the_break_one_trial_goes_through_at_a_time_and_its_answer_closes_the_breaker()
    {
        FailTries(3);
        _time.Advance(Options.BreakDuration - TimeSpan.FromMilliseconds(1));
        Assert.False(_breaker.TryAdmit(out _));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_breaker.TryAdmit(out var trial));
        Assert.True(trial);
        // Everybody else still fails at once while the trial is out.
        Assert.False(_breaker.TryAdmit(out _));

        _time.Advance(TimeSpan.FromMilliseconds(300));
        _breaker.Succeeded(trial);

        Assert.False(_breaker.IsOpen);
        Assert.True(_breaker.TryAdmit(out var next));
        Assert.False(next);
        Assert.Contains(_logs.Messages, m => m.Contains("answers again after 1.3 s out", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_trial_holds_storage_as_out_for_another_full_period()
    {
        FailTries(3);
        _time.Advance(Options.BreakDuration);
        Assert.True(_breaker.TryAdmit(out var trial));
        _time.Advance(TimeSpan.FromMilliseconds(800));

        _breaker.Failed(trial, "timed out");

        Assert.True(_breaker.IsOpen);
        _time.Advance(Options.BreakDuration - TimeSpan.FromMilliseconds(1));
        Assert.False(_breaker.TryAdmit(out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_breaker.TryAdmit(out var again));
        Assert.True(again);
    }

    [Fact]
    public void An_abandoned_trial_lets_the_next_request_try_at_once()
    {
        FailTries(3);
        _time.Advance(Options.BreakDuration);
        Assert.True(_breaker.TryAdmit(out var trial));

        _breaker.Abandoned(trial);

        Assert.True(_breaker.TryAdmit(out var next));
        Assert.True(next);
    }

    [Fact]
    public void Failures_of_tries_sent_before_it_opened_do_not_extend_the_break()
    {
        Assert.True(_breaker.TryAdmit(out var late));
        FailTries(3);
        _time.Advance(Options.BreakDuration);

        _breaker.Failed(late, "timed out");

        Assert.True(_breaker.TryAdmit(out var trial));
        Assert.True(trial);
    }

    private void FailTries(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(_breaker.TryAdmit(out var trial));
            _breaker.Failed(trial, "no response");
        }
    }
}
