using DvServerless.Core.Engines;

namespace DvServerless.Core.Tests.Engines;

public sealed class AgentAudioDeltaTests
{
    [Fact]
    public void Rented_delta_carries_ids_and_the_audio_its_producer_wrote()
    {
        var delta = AgentAudioDelta.Rent("resp_001", "msg_008", 1, 960);
        delta.WritableAudio.Fill(0x11);
        delta.SetAudioLength(640);

        Assert.True(delta.IsPooled);
        Assert.Equal(("resp_001", "msg_008", 1), (delta.ResponseId, delta.ItemId, delta.ContentIndex));
        Assert.Equal(Enumerable.Repeat((byte)0x11, 640), delta.Audio.ToArray());
        delta.Release();
    }

    [Fact]
    public void Released_delta_shows_no_audio_and_a_second_release_does_nothing()
    {
        var delta = AgentAudioDelta.RentCopy("resp_001", "msg_008", 0, new byte[] { 1, 2, 3, 4 });
        delta.Release();

        Assert.False(delta.IsPooled);
        Assert.True(delta.Audio.IsEmpty);
        delta.Release();
        Assert.Throws<InvalidOperationException>(() => delta.WritableAudio.Length);
    }

    [Fact]
    public void A_delta_never_released_keeps_its_audio_while_later_deltas_are_rented_and_released()
    {
        var kept = AgentAudioDelta.RentCopy("resp_001", "msg_008", 0, Enumerable.Repeat((byte)0x11, 960).ToArray());

        for (var i = 0; i < 1000; i++)
        {
            var other = AgentAudioDelta.Rent("resp_002", "msg_009", 0, 960);
            other.WritableAudio.Fill(0x22);
            other.Release();
        }

        Assert.True(kept.IsPooled);
        Assert.Equal(("resp_001", "msg_008"), (kept.ResponseId, kept.ItemId));
        Assert.All(kept.Audio.ToArray(), b => Assert.Equal(0x11, b));
    }

    [Fact]
    public void A_copy_made_with_a_with_expression_owns_its_audio_after_the_original_is_released()
    {
        var original = AgentAudioDelta.RentCopy("resp_001", "msg_008", 0, new byte[] { 1, 2, 3, 4 });
        var copy = original with { };
        original.Release();
        AgentAudioDelta.RentCopy("resp_002", "msg_009", 0, new byte[] { 9, 9, 9, 9 }); // may reuse the original's buffer

        Assert.False(copy.IsPooled);
        Assert.Equal(("resp_001", "msg_008"), (copy.ResponseId, copy.ItemId));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, copy.Audio.ToArray());
    }

    [Fact]
    public void Unpooled_delta_keeps_its_audio_when_released_and_cannot_be_written()
    {
        var audio = new byte[] { 5, 6, 7, 8 };
        var delta = new AgentAudioDelta("resp_001", "msg_008", 0, audio);
        delta.Release();

        Assert.False(delta.IsPooled);
        Assert.Equal(audio, delta.Audio.ToArray());
        Assert.Throws<InvalidOperationException>(() => delta.SetAudioLength(2));
    }

    [Fact]
    public void Renting_and_releasing_allocates_nothing_once_warm()
    {
        for (var i = 0; i < 100; i++)
        {
            AgentAudioDelta.Rent("resp_001", "msg_008", 0, 960).Release();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var delta = AgentAudioDelta.Rent("resp_001", "msg_008", 0, 960);
            delta.WritableAudio[0] = 1;
            delta.Release();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
