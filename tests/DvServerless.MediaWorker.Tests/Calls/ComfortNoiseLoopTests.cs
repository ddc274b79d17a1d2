using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Playout;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// Comfort noise on the fake clock: it fills the agent's thinking time toward the caller only, at its level, stops at the
/// first agent frame without overlap, and never counts as agent audio.
/// </summary>
public sealed class ComfortNoiseLoopTests(ITestOutputHelper output)
{
    private const byte AgentByte = 0x11;

    private static ComfortNoiseSource Source(bool enabled = true, double level = -50, string? file = null) =>
        new(Options.Create(new ComfortNoiseOptions { Enabled = enabled, LevelDbfs = level, File = file }));

    private static bool IsAgent(byte[] frame) => Array.TrueForAll(frame, b => b == AgentByte);

    [Fact]
    public async Task Noise_fills_the_thinking_time_at_its_level_and_stops_at_the_first_agent_frame()
    {
        await using var call = new CallLoopHarness(comfortNoise: Source());
        await call.AdvanceAsync(200);
        Assert.Empty(call.Leg.Frames); // the caller talks: no noise

        await call.EmitAsync(new CallerSpeechStopped(1000, "caller-1"));
        await call.AdvanceAsync(1000);
        var noise = call.Leg.Frames;
        Assert.InRange(noise.Count, 50, 51); // one 20 ms frame at a time, just in time: a second of noise
        var level = AudioLevel.RmsDbfs(noise.SelectMany(f => f).ToArray());
        output.WriteLine($"comfort noise measured from {noise.Count} frames: {level:0.00} dBFS (setting -50)");
        Assert.InRange(level, -50.5, -49.5);
        Assert.Empty(call.Engine.ReceivedAudio); // the engine never hears it
        Assert.Equal(0, call.Loop.Playout!.FramesSent); // not agent audio

        var arrivedAt = call.Time.GetUtcNow();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(400, AgentByte)),
            new AgentTranscriptDone("resp-1", "item-1", "Here you are."), new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(600);

        var frames = call.Leg.Frames;
        var firstAgent = frames.ToList().FindIndex(IsAgent);
        Assert.Equal(noise.Count, firstAgent); // not one noise frame more once agent audio came
        Assert.Equal(20, frames.Skip(firstAgent).Count(IsAgent));
        Assert.DoesNotContain(frames.Skip(firstAgent), f => !IsAgent(f)); // no noise between or after agent frames
        Assert.Null(call.Loop.Playout.Current); // played out and retired
        Assert.Equal(20, call.Loop.Playout.FramesSent);

        // The agent's turn starts where its audio really played: at most one noise frame after it arrived.
        var entries = await call.Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn" && x.Speaker == "agent"));
        var turn = entries.Single(x => x.Kind == "turn" && x.Speaker == "agent");
        Assert.Equal(400, turn.SentMs);
        Assert.InRange(turn.StartMs, (long)(arrivedAt - call.Time.Start).TotalMilliseconds, (long)(arrivedAt - call.Time.Start).TotalMilliseconds + 20);
    }

    [Fact]
    public async Task Barge_in_truncates_at_what_was_heard_of_the_agent_not_of_the_noise()
    {
        await using var call = new CallLoopHarness(comfortNoise: Source());
        await call.EmitAsync(new CallerSpeechStopped(1000, "caller-1"));
        await call.AdvanceAsync(500);
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(2000, AgentByte)));
        await call.AdvanceAsync(300);

        await call.EmitAsync(new CallerSpeechStarted(2000, "caller-2"));

        // 300 ms of agent audio played (it waited behind no more than one noise frame, which had already played out).
        var truncate = Assert.Single(call.Engine.Truncates);
        Assert.InRange(truncate.AudioEndMs, 280, 300);
        Assert.False(call.Loop.ComfortNoisePlaying); // the caller speaks: no noise
    }

    [Fact]
    public async Task Barge_in_over_noise_alone_stops_nothing()
    {
        await using var call = new CallLoopHarness(comfortNoise: Source());
        await call.EmitAsync(new CallerSpeechStopped(1000, "caller-1"));
        await call.AdvanceAsync(200);

        await call.EmitAsync(new CallerSpeechStarted(2000, "caller-2"));

        Assert.Equal(0, call.Leg.StopCount);
        Assert.Empty(call.Engine.Truncates);
    }

    [Fact]
    public async Task Noise_plays_while_a_tool_runs()
    {
        var tool = new SlowTool();
        await using var call = new CallLoopHarness(comfortNoise: Source(), tools: [tool]);
        await call.EmitAsync(new ResponseStarted("resp-1"), new ToolCallRequested("tool-1", SlowTool.ToolName, "{}"),
            new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(400);
        Assert.InRange(call.Leg.Frames.Count, 20, 21);

        tool.Finish.SetResult();
        for (var i = 0; call.Engine.ToolResults.Count == 0 && i < 5000; i++)
        {
            await Task.Delay(1);
        }

        await call.AdvanceAsync(200);
        Assert.True(call.Loop.ComfortNoisePlaying); // the engine is now answering with the result

        await call.EmitAsync(new ResponseStarted("resp-2"), new AgentAudioDelta("resp-2", "item-2", 0, Audio(100, AgentByte)),
            new ResponseFinished("resp-2", "completed", null));
        await call.AdvanceAsync(400);
        Assert.False(call.Loop.ComfortNoisePlaying);
    }

    [Fact]
    public async Task Off_by_default_and_the_per_call_switch_overrides_the_setting_both_ways()
    {
        await using var call = new CallLoopHarness(comfortNoise: Source(enabled: false));
        await call.EmitAsync(new CallerSpeechStopped(1000, "caller-1"));
        await call.AdvanceAsync(200);
        Assert.Empty(call.Leg.Frames);

        Assert.True(call.Loop.SetComfortNoise(true));
        await call.AdvanceAsync(200);
        Assert.InRange(call.Leg.Frames.Count, 10, 11);

        Assert.True(call.Loop.SetComfortNoise(false));
        await call.AdvanceAsync(20);
        var count = call.Leg.Frames.Count;
        await call.AdvanceAsync(200);
        Assert.Equal(count, call.Leg.Frames.Count);
    }

    [Fact]
    public async Task A_custom_bed_is_looped_as_recorded()
    {
        var path = Path.GetTempFileName();
        try
        {
            // 30 ms of a ramp: frames of 20 ms cut it at different places, so a seam would show.
            var bed = new byte[AudioFormat.Pcm24k.BytesPerMillisecond * 30];
            for (var i = 0; i < bed.Length; i += 2)
            {
                BitConverter.TryWriteBytes(bed.AsSpan(i), (short)(i / 2));
            }

            await File.WriteAllBytesAsync(path, bed);
            await using var call = new CallLoopHarness(comfortNoise: Source(file: path));
            call.Loop.SetComfortNoise(true);
            await call.AdvanceAsync(100);

            var played = call.Leg.Frames.SelectMany(f => f).ToArray();
            Assert.True(played.Length >= bed.Length * 3);
            for (var i = 0; i < played.Length; i++)
            {
                Assert.Equal(bed[i % bed.Length], played[i]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class SlowTool : ICallToolHandler
    {
        public const string ToolName = "look_up";

        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => ToolName;

        public async ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken)
        {
            await Finish.Task.WaitAsync(cancellationToken);
            return new CallToolResult("{\"ok\":true}");
        }
    }
}
