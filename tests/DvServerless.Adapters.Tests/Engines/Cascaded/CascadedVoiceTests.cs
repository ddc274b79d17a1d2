using System.Runtime.CompilerServices;
using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;

namespace DvServerless.Adapters.Tests.Engines.Cascaded;

public sealed class CascadedVoiceTests
{
    [Fact]
    public async Task Odd_sized_stream_chunks_come_out_as_whole_samples_with_no_byte_lost()
    {
        var tts = new OddChunks([3, 1, 4, 2, 5]);
        var voice = new CascadedVoice(tts, "v", null, AudioFormat.Pcm16k);

        var chunks = new List<byte[]>();
        await foreach (var chunk in voice.SpeakAsync("hi", CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        Assert.All(chunks, c => Assert.Equal(0, c.Length % 2));
        Assert.Equal(Enumerable.Range(0, 14).Select(i => (byte)i), chunks.SelectMany(c => c).ToArray());
        Assert.Equal([2, 2, 4, 2, 4], chunks.Select(c => c.Length));
    }

    [Fact]
    public async Task A_whole_clip_is_handed_over_in_slices_so_playout_starts_on_the_first()
    {
        var tts = new Clip(AudioFormat.Pcm16k.FrameBytes(500));
        var voice = new CascadedVoice(tts, "v", "m1", AudioFormat.Pcm16k);

        var chunks = new List<byte[]>();
        await foreach (var chunk in voice.SpeakAsync("hello", CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        Assert.Equal([6400, 6400, 3200], chunks.Select(c => c.Length));
        Assert.Equal("m1", voice.Model);
        Assert.Equal(new TtsRequest("hello", "v", AudioFormat.Pcm16k, "m1"), tts.Request);
    }

    private sealed class OddChunks(int[] sizes) : IStreamingTextToSpeech
    {
        public string Provider => "odd";

        public string DefaultModel => "odd-1";

        public async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(TtsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var next = 0;
            foreach (var size in sizes)
            {
                await Task.Yield();
                yield return Enumerable.Range(next, size).Select(i => (byte)i).ToArray();
                next += size;
            }
        }

        public Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class Clip(int bytes) : ITextToSpeech
    {
        public TtsRequest? Request { get; private set; }

        public string Provider => "clip";

        public string DefaultModel => "clip-1";

        public Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
        {
            Request = request;
            return Task.FromResult(new byte[bytes]);
        }
    }
}
