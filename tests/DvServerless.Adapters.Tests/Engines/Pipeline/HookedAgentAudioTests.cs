using DvServerless.Adapters.Engines.Pipeline;
using DvServerless.Adapters.Tests.Engines.Resilience;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Tests.Engines.Pipeline;

/// <summary>Agent audio filters on pooled and unpooled deltas: the reader always gets one delta it must release.</summary>
public sealed class HookedAgentAudioTests
{
    [Fact]
    public async Task Pooled_delta_is_filtered_in_place_and_handed_on_for_the_reader_to_release()
    {
        var (inner, engine) = Create();
        var delta = AgentAudioDelta.RentCopy("resp_001", "msg_008", 0, Pcm(100, -200));
        inner.Push(delta);

        var received = await FirstAudioAsync(engine);

        Assert.Same(delta, received);
        Assert.True(received.IsPooled);
        Assert.Equal(Pcm(-100, 200), received.Audio.ToArray());
        received.Release();
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task Unpooled_delta_is_filtered_in_a_pooled_copy_and_the_engines_buffer_is_left_alone()
    {
        var (inner, engine) = Create();
        var original = Pcm(100, -200);
        inner.Push(new AgentAudioDelta("resp_001", "msg_008", 1, original));

        var received = await FirstAudioAsync(engine);

        Assert.True(received.IsPooled);
        Assert.Equal(("resp_001", "msg_008", 1), (received.ResponseId, received.ItemId, received.ContentIndex));
        Assert.Equal(Pcm(-100, 200), received.Audio.ToArray());
        Assert.Equal(Pcm(100, -200), original);
        received.Release();
        await engine.DisposeAsync();
    }

    private static (ScriptedEngine Inner, HookedConversationEngine Engine) Create()
    {
        var inner = new ScriptedEngine(new AgentOptions());
        var hooks = new VoicePipelineHooks();
        hooks.Filters.Add((AudioDirection.Agent, () => new Negate()));
        return (inner, new HookedConversationEngine(inner, "call-1", new AgentOptions(), hooks, NullLogger.Instance));
    }

    private static async Task<AgentAudioDelta> FirstAudioAsync(HookedConversationEngine engine)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var engineEvent in engine.ReadEventsAsync(timeout.Token))
        {
            if (engineEvent is AgentAudioDelta delta)
            {
                return delta;
            }
        }

        throw new InvalidOperationException("no audio");
    }

    private static byte[] Pcm(params short[] samples) => samples.SelectMany(BitConverter.GetBytes).ToArray();

    private sealed class Negate : IAudioFilter
    {
        public void Process(Span<short> samples, AudioFormat format)
        {
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = (short)-samples[i];
            }
        }
    }
}
