using System.Diagnostics.CodeAnalysis;
using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Playout;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Playout;

[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class PlayoutClockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCallLeg _leg = new(AudioFormat.Pcm24k);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _leg.DisposeAsync().AsTask();

    private PlayoutClock NewClock() => new(_leg, AudioFormat.Pcm24k, AudioFormat.Pcm24k, _time, TimeSpan.FromMilliseconds(100));

    private async Task RunForAsync(PlayoutClock clock, int milliseconds)
    {
        for (var t = 0; t < milliseconds; t += 20)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            await clock.PumpAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Frames_are_cut_from_deltas_that_are_not_frame_aligned()
    {
        using var clock = NewClock();
        var audio = new byte[960 * 6 + 300];
        Random.Shared.NextBytes(audio);
        for (var offset = 0; offset < audio.Length; offset += 333)
        {
            var piece = audio.AsSpan(offset, Math.Min(333, audio.Length - offset));
            clock.Append("resp-1", "item-1", 0, piece.Length, piece);
        }

        await clock.PumpAsync(CancellationToken.None);
        await RunForAsync(clock, 200);
        Assert.Equal(6, _leg.Frames.Count); // the 300-byte tail waits: the item may still grow

        clock.CompleteResponse("resp-1");
        await clock.PumpAsync(CancellationToken.None);
        Assert.Equal([960, 960, 960, 960, 960, 960, 300], _leg.Frames.Select(f => f.Length));
        Assert.Equal(audio, _leg.Frames.SelectMany(f => f).ToArray());
    }

    [Fact]
    public async Task It_knows_what_was_sent_and_what_was_heard()
    {
        using var clock = NewClock();
        clock.Append("resp-1", "item-1", 0, 48_000, new byte[48_000]); // 1 s
        await clock.PumpAsync(CancellationToken.None);
        await RunForAsync(clock, 300);

        var current = clock.Current!;
        Assert.Equal(400, current.SentMs);
        Assert.Equal(1000, current.ReceivedMs);
        Assert.Equal(300, PlayoutClock.HeardMs(current, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMilliseconds(7));
        Assert.Equal(307, PlayoutClock.HeardMs(current, _time.GetUtcNow()));
    }

    [Fact]
    public async Task Heard_never_passes_sent_and_silence_from_an_underrun_is_not_counted()
    {
        using var clock = NewClock();
        clock.Append("resp-1", "item-1", 0, 4800, new byte[4800]); // 100 ms, and the engine falls behind
        await clock.PumpAsync(CancellationToken.None);
        await RunForAsync(clock, 300);
        var current = clock.Current!;
        Assert.Equal(100, PlayoutClock.HeardMs(current, _time.GetUtcNow())); // not 300: only 100 ms were ever sent

        clock.Append("resp-1", "item-1", 0, 4800, new byte[4800]); // more arrives at 300 ms
        await clock.PumpAsync(CancellationToken.None);
        await RunForAsync(clock, 40);
        Assert.Equal(140, PlayoutClock.HeardMs(current, _time.GetUtcNow()));
        Assert.Equal(TimeSpan.FromMilliseconds(200), current.Gap);
    }

    [Fact]
    public async Task A_send_that_stalls_counts_as_a_gap_the_caller_did_not_hear()
    {
        using var clock = NewClock();
        clock.Append("resp-1", "item-1", 0, 48_000, new byte[48_000]); // 1 s
        // The third frame's send takes half a second (a busy socket or machine).
        _leg.AfterSend = sent => { if (sent == 3) { _time.Advance(TimeSpan.FromMilliseconds(500)); } };

        await clock.PumpAsync(CancellationToken.None);

        var current = clock.Current!;
        // Frames 4… play after the stall: 440 ms of silence in the middle of the item, not heard audio.
        Assert.Equal(TimeSpan.FromMilliseconds(440), current.Gap);
        Assert.Equal(60, PlayoutClock.HeardMs(current, _time.GetUtcNow()));
        // And the lead is kept from the clock after the stall: 100 ms ahead of t = 500 ms.
        Assert.Equal(8, _leg.Frames.Count);
    }

    [Fact]
    public async Task Interrupt_flushes_everything_and_sends_StopAudio()
    {
        using var clock = NewClock();
        clock.Append("resp-1", "item-1", 0, 48_000, new byte[48_000]);
        await clock.PumpAsync(CancellationToken.None);
        await RunForAsync(clock, 100);

        var interrupted = await clock.InterruptAsync(CancellationToken.None);

        Assert.Equal(("item-1", 100, true), (interrupted!.ItemId, interrupted.HeardMs, interrupted.Interrupted));
        Assert.True(clock.IsIdle);
        Assert.True(_leg.Outputs[^1].IsStop);
        Assert.False(clock.Append("resp-1", "item-1", 0, 960, new byte[960]));
        Assert.Null(clock.NextDueAt());
    }

    [Fact]
    public async Task A_finished_item_is_retired_with_everything_heard()
    {
        using var clock = NewClock();
        clock.Append("resp-1", "item-1", 0, 9600, new byte[9600]); // 200 ms
        clock.CompleteResponse("resp-1");
        await clock.PumpAsync(CancellationToken.None);
        await RunForAsync(clock, 200);

        Assert.True(clock.TryTakeFinished(out var finished));
        Assert.Equal((200, 200, false), (finished.HeardMs, finished.SentMs, finished.Interrupted));
        Assert.True(clock.IsIdle);
    }
}
