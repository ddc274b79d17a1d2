using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Say;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>The worker's side of the call command path: commands find the live call of any channel, and bad input changes nothing.</summary>
public sealed class LiveCallCommandsTests
{
    private static LiveCallCommands Commands(LiveCalls calls, ICallSpeech? speech)
    {
        var services = new ServiceCollection();
        if (speech is not null)
        {
            services.AddSingleton(speech);
        }

        return new LiveCallCommands(calls, services.BuildServiceProvider());
    }

    [Fact]
    public async Task Say_speaks_at_the_legs_format_for_the_calls_tenant_and_plays_it()
    {
        await using var call = new CallLoopHarness(legFormat: AudioFormat.Pcm16k);
        await call.SettleAsync();
        var calls = new LiveCalls();
        using var registration = calls.Register(new LiveCall("call-1", "acme", CallChannel.Acs, call.Loop));
        var speech = new RecordingSpeech();

        var (status, _) = await Commands(calls, speech).ApplyAsync("call-1", CallCommandAction.Say, new CallCommandBody(Text: " Hello there. ", Voice: "marin"), default);
        await call.AdvanceAsync(200);

        Assert.Equal(CallCommandStatus.Done, status);
        Assert.Equal(("acme", "Hello there.", "marin", 16_000), speech.Requests.Single());
        Assert.Equal(10, call.Leg.Frames.Count);
        Assert.All(call.Leg.Frames, f => Assert.Equal(AudioFormat.Pcm16k.FrameBytes(20), f.Length));
    }

    [Fact]
    public async Task Say_on_a_named_agents_call_speaks_as_that_agent_and_on_a_default_call_as_the_default_agent()
    {
        await using var named = new CallLoopHarness();
        await using var plain = new CallLoopHarness();
        await named.SettleAsync();
        await plain.SettleAsync();
        var calls = new LiveCalls();
        using var first = calls.Register(new LiveCall("call-1", "acme", CallChannel.Browser, named.Loop, AgentId: "sales"));
        using var second = calls.Register(new LiveCall("call-2", "acme", CallChannel.Acs, plain.Loop));
        var speech = new RecordingSpeech();
        var commands = Commands(calls, speech);

        Assert.Equal(CallCommandStatus.Done, (await commands.ApplyAsync("call-1", CallCommandAction.Say, new CallCommandBody(Text: "Hi"), default)).Status);
        Assert.Equal(CallCommandStatus.Done, (await commands.ApplyAsync("call-2", CallCommandAction.Say, new CallCommandBody(Text: "Hi"), default)).Status);

        Assert.Equal(["sales", null], speech.Agents);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_or_too_long_text_is_invalid_and_nothing_is_spoken(string text)
    {
        await using var call = new CallLoopHarness();
        var calls = new LiveCalls();
        using var registration = calls.Register(new LiveCall("call-1", "acme", CallChannel.Acs, call.Loop));
        var speech = new RecordingSpeech();
        var commands = Commands(calls, speech);

        Assert.Equal(CallCommandStatus.Invalid, (await commands.ApplyAsync("call-1", CallCommandAction.Say, new CallCommandBody(Text: text), default)).Status);
        Assert.Equal(CallCommandStatus.Invalid,
            (await commands.ApplyAsync("call-1", CallCommandAction.Say, new CallCommandBody(Text: new string('a', InjectedSpeechRules.MaxTextLength + 1)), default)).Status);
        Assert.Empty(speech.Requests);
    }

    [Fact]
    public async Task Unknown_calls_are_not_live_and_browser_only_controls_are_refused_on_other_channels()
    {
        await using var call = new CallLoopHarness();
        var calls = new LiveCalls();
        var commands = Commands(calls, new RecordingSpeech());
        using (calls.Register(new LiveCall("call-1", "acme", CallChannel.Acs, call.Loop)))
        {
            Assert.Equal(CallCommandStatus.NotLive, (await commands.ApplyAsync("call-2", CallCommandAction.ComfortStart, new CallCommandBody(), default)).Status);
            Assert.Equal(CallCommandStatus.NotSupported, (await commands.ApplyAsync("call-1", CallCommandAction.Audio, new CallCommandBody(Enabled: false), default)).Status);
            Assert.Equal(CallCommandStatus.Done, (await commands.ApplyAsync("call-1", CallCommandAction.ComfortStart, new CallCommandBody(), default)).Status);
            await call.AdvanceAsync(100);
            Assert.True(call.Loop.ComfortNoisePlaying);
            Assert.Equal(CallCommandStatus.Done, (await commands.ApplyAsync("call-1", CallCommandAction.ComfortStop, new CallCommandBody(), default)).Status);
            await call.AdvanceAsync(20);
            Assert.False(call.Loop.ComfortNoisePlaying);
        }

        Assert.Equal(CallCommandStatus.NotLive, (await commands.ApplyAsync("call-1", CallCommandAction.Interrupt, new CallCommandBody(), default)).Status);
    }

    [Fact]
    public async Task A_tts_failure_is_unavailable()
    {
        await using var call = new CallLoopHarness();
        await call.SettleAsync();
        var calls = new LiveCalls();
        using var registration = calls.Register(new LiveCall("call-1", "acme", CallChannel.Acs, call.Loop));

        var (status, _) = await Commands(calls, new RecordingSpeech { Fail = true }).ApplyAsync("call-1", CallCommandAction.Say, new CallCommandBody(Text: "Hi"), default);

        Assert.Equal(CallCommandStatus.Unavailable, status);
        Assert.Empty(call.Leg.Frames);
    }

    private sealed class RecordingSpeech : ICallSpeech
    {
        public List<(string Tenant, string Text, string? Voice, int Rate)> Requests { get; } = [];

        public List<string?> Agents { get; } = [];

        public bool Fail { get; init; }

        public Task<byte[]> SpeakAsync(string tenantId, string? agentId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken)
        {
            Requests.Add((tenantId, text, voice, legFormat.SampleRate));
            Agents.Add(agentId);
            if (Fail)
            {
                throw new CallSpeechUnavailableException("TTS down");
            }

            var pcm = new byte[legFormat.BytesPerMillisecond * 200];
            pcm.AsSpan().Fill(0x22);
            return Task.FromResult(pcm);
        }
    }
}
