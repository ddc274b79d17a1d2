using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Say;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls.Tools;

/// <summary>An HTTP tool called by the engine inside a running call loop, on the fake clock.</summary>
public sealed class HttpToolCallLoopTests : IDisposable
{
    private const byte FillerByte = 0x66;
    private readonly ToolServerHandler _server = new();
    private readonly FillerSpeech _speech = new();

    [Fact]
    public async Task A_slow_tool_has_its_filler_line_said_into_the_call_and_its_answer_still_reaches_the_engine()
    {
        var answer = new TaskCompletionSource();
        _server.Release = answer.Task;
        await using var call = Harness();
        await call.EmitAsync(new ToolCallRequested("fc_1", "lookup_order", """{"order":"42"}"""));
        await _server.Received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await call.AdvanceAsync(1400);
        Assert.Empty(_speech.Texts); // not slow yet
        await call.AdvanceAsync(200);
        await _speech.Spoken.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 100 && !call.Leg.Frames.Any(f => f[0] == FillerByte); i++)
        {
            await Task.Delay(5);
            await call.AdvanceAsync(20); // the line is synthesized off the loop; it is queued once ready
        }

        await call.AdvanceAsync(400);

        Assert.Equal(["One moment, I am checking."], _speech.Texts);
        Assert.Equal(15, call.Leg.Frames.Count(f => f[0] == FillerByte)); // the 300 ms line reached the caller
        Assert.Empty(call.Engine.ToolResults);

        answer.SetResult();
        await WaitUntilAsync(call, () => call.Engine.ToolResults.Count == 1);
        Assert.Equal(("fc_1", """{"status":"shipped"}"""), call.Engine.ToolResults[0]);
        var entries = await call.Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn" && x.Injected == true));
        Assert.Equal("One moment, I am checking.", entries.Single(x => x.Injected == true).Text);
    }

    [Fact]
    public async Task A_tool_that_answers_before_the_filler_delay_says_nothing()
    {
        await using var call = Harness();
        await call.EmitAsync(new ToolCallRequested("fc_1", "lookup_order", "{}"));
        await WaitUntilAsync(call, () => call.Engine.ToolResults.Count == 1);
        await call.AdvanceAsync(3000);

        Assert.Empty(_speech.Texts);
        Assert.Empty(call.Leg.Frames);
    }

    [Fact]
    public async Task A_tool_that_times_out_gives_the_engine_an_error_output_and_the_call_goes_on()
    {
        _server.Release = new TaskCompletionSource().Task; // never answers
        await using var call = Harness();
        await call.EmitAsync(new ToolCallRequested("fc_1", "lookup_order", "{}"));
        await _server.Received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await call.AdvanceAsync(1600);
        await _speech.Spoken.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // The filler is synthesized off the loop: on a busy machine it could be queued after the timeout, ahead of the
        // agent's next words, and the check below would hear the filler instead. Let it reach the caller first.
        for (var i = 0; i < 100 && !call.Leg.Frames.Any(f => f[0] == FillerByte); i++)
        {
            await Task.Delay(5);
            await call.AdvanceAsync(20);
        }

        await call.AdvanceAsync(3400); // past the tool's 5 s timeout
        await WaitUntilAsync(call, () => call.Engine.ToolResults.Count == 1);

        Assert.Contains("did not answer within 5 s", call.Engine.ToolResults[0].Output, StringComparison.Ordinal);
        Assert.False(call.Run.IsCompleted);
        await call.EmitAsync(new ResponseStarted("resp-2"), new AgentAudioDelta("resp-2", "item-2", 0, Audio(100, 0x11)));
        await call.AdvanceAsync(200);
        Assert.Contains(call.Leg.Frames, f => f[0] == 0x11); // the agent goes on talking
    }

    private CallLoopHarness Harness()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        return new CallLoopHarness(tools: [new EndCallToolHandler(), Tool(time)], voice: new CallVoice(_speech, "tenant-1"), time: time);
    }

    private HttpToolHandler Tool(FakeTimeProvider time) => new("lookup_order", new HttpToolOptions
    {
        Url = "https://tools.example.com/orders",
        Description = "Looks up an order.",
        Timeout = TimeSpan.FromSeconds(5),
        Filler = "One moment, I am checking.",
        FillerAfter = TimeSpan.FromSeconds(1.5),
        Secret = "tool-secret-0123456789",
    }, _server, time, NullLogger<HttpToolHandler>.Instance);

    private static async Task WaitUntilAsync(CallLoopHarness call, Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await call.SettleAsync();
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class FillerSpeech : ICallSpeech
    {
        public List<string> Texts { get; } = [];

        public TaskCompletionSource Spoken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<byte[]> SpeakAsync(string tenantId, string? agentId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken)
        {
            lock (Texts)
            {
                Texts.Add(text);
            }

            Spoken.TrySetResult();
            return Task.FromResult(Audio(300, FillerByte, legFormat));
        }
    }

    public void Dispose() => _server.Dispose();
}
