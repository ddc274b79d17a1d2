using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DvServerless.Adapters.Acs.Media;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Audio;
using DvServerless.Core.Text;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Legs;
using DvServerless.MediaWorker.Playout;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Frames;

/// <summary>
/// The per-frame media path in both directions, from wire JSON to wire JSON, with the same pieces the call loop uses:
/// after warm-up a 20 ms frame must allocate nothing, or a busy worker spends its cores in the garbage collector.
/// </summary>
public sealed class FramePathAllocationTests
{
    private const int Frames = 500;

    [Theory]
    [InlineData(24_000)]
    [InlineData(16_000)]
    public void Caller_frame_to_realtime_append_allocates_nothing_per_frame(int legRate)
    {
        var legFormat = new AudioFormat(legRate);
        var pcm = Speech(legRate);
        var acsFrame = Encoding.UTF8.GetBytes(
            $$$"""{"kind":"AudioData","audioData":{"timestamp":"2026-01-01T09:00:00.020Z","participantRawID":"4:+14255550123","data":"{{{Convert.ToBase64String(pcm)}}}","silent":false}}""");
        using var resampler = legFormat == AudioFormat.Pcm24k ? null : new ResamplingBuffer(legFormat, AudioFormat.Pcm24k);
        using var writer = new RealtimeClientEventWriter();
        var participants = new Utf8StringCache(); // the leg's own, as AcsMediaLeg keeps one

        int Frame()
        {
            using var message = AcsMediaStreamCodec.Parse(acsFrame, participants);
            var audio = resampler is null ? message.Audio.Span : resampler.Process(message.Audio.Span).Span;
            writer.WriteInputAudioAppend(audio);
            return writer.WrittenMemory.Length;
        }

        for (var i = 0; i < 50; i++)
        {
            Frame();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Frames; i++)
        {
            Frame();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The append carries one 20 ms frame at the engine's 24 kHz (for a 24 kHz leg, the very bytes ACS sent).
        using var append = JsonDocument.Parse(writer.WrittenMemory);
        Assert.Equal("input_audio_buffer.append", append.RootElement.GetProperty("type").GetString());
        var sent = append.RootElement.GetProperty("audio").GetBytesFromBase64();
        Assert.Equal(960, sent.Length);
        if (resampler is null)
        {
            Assert.Equal(pcm, sent);
        }

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(24_000)]
    [InlineData(16_000)]
    public async Task Realtime_audio_delta_to_acs_frame_allocates_nothing_per_frame(int legRate)
    {
        var legFormat = new AudioFormat(legRate);
        var pcm = Speech(24_000);
        var delta = Encoding.UTF8.GetBytes(
            $$"""{"event_id":"event_4950","type":"response.output_audio.delta","response_id":"resp_001","item_id":"msg_008","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(pcm)}}"}""");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        await using var leg = new AcsEncodingLeg();
        using var playout = new PlayoutClock(leg, legFormat, AudioFormat.Pcm24k, time, TimeSpan.FromMilliseconds(100));
        using var resampler = legFormat == AudioFormat.Pcm24k ? null : new ResamplingBuffer(AudioFormat.Pcm24k, legFormat);
        var reader = new RealtimeAudioDeltaReader();

        void Frame()
        {
            // As the engine reads the frame and the call loop appends and releases it (CallLoop.AppendAgentAudio).
            Assert.True(reader.TryRead(delta, out var agentAudio));
            var audio = agentAudio!.Audio.Span;
            playout.Append(agentAudio.ResponseId, agentAudio.ItemId, agentAudio.ContentIndex, audio.Length,
                resampler is null ? audio : resampler.Process(audio).Span);
            agentAudio.Release();
            time.Advance(TimeSpan.FromMilliseconds(20));
            var pump = playout.PumpAsync(CancellationToken.None);
            Assert.True(pump.IsCompletedSuccessfully);
        }

        for (var i = 0; i < 50; i++)
        {
            Frame();
        }

        var framesBefore = leg.Frames;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Frames; i++)
        {
            Frame();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One paced ACS frame out per delta in, 20 ms at the leg's rate (for a 24 kHz leg, the very bytes the engine sent).
        Assert.Equal(Frames, leg.Frames - framesBefore);
        using var outbound = JsonDocument.Parse(leg.LastFrame);
        Assert.Equal("AudioData", outbound.RootElement.GetProperty("Kind").GetString());
        var played = outbound.RootElement.GetProperty("AudioData").GetProperty("Data").GetBytesFromBase64();
        Assert.Equal(legFormat.FrameBytes(20), played.Length);
        if (resampler is null)
        {
            Assert.Equal(pcm, played);
        }

        Assert.Equal(0, allocated);
    }

    /// <summary>20 ms of a voiced-speech-like signal: a 140 Hz fundamental with falling harmonics and some noise.</summary>
    private static byte[] Speech(int rate)
    {
        var samples = rate / 50;
        var pcm = new byte[samples * 2];
        var noise = new Random(7);
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / rate;
            var value = 0.0;
            for (var harmonic = 1; harmonic <= 8; harmonic++)
            {
                value += Math.Sin(2 * Math.PI * 140 * harmonic * t) / harmonic;
            }

            var sample = (short)Math.Clamp(6_000 * value + noise.Next(-300, 300), short.MinValue, short.MaxValue);
            BitConverter.TryWriteBytes(pcm.AsSpan(2 * i), sample);
        }

        return pcm;
    }

    /// <summary>A leg that encodes each outbound frame as the ACS leg does (<see cref="AcsMediaStreamCodec.WriteAudioData"/>).</summary>
    private sealed class AcsEncodingLeg : ICallLeg
    {
        private readonly ArrayBufferWriter<byte> _json = new(4096);

        public ChannelReader<PooledAudio> Inbound { get; } = Channel.CreateUnbounded<PooledAudio>().Reader;

        public int Frames { get; private set; }

        public ReadOnlyMemory<byte> LastFrame => _json.WrittenMemory;

        public ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AudioFormat?>(null);

        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
        {
            _json.ResetWrittenCount();
            AcsMediaStreamCodec.WriteAudioData(audio.Span, _json);
            Frames++;
            return ValueTask.CompletedTask;
        }

        public ValueTask StopAudioAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
