using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using DvServerless.Adapters.Acs.Media;

namespace DvServerless.Benchmarks.Acs;

/// <summary>Decode one inbound 20 ms 24 kHz AudioData frame (960 bytes PCM) and re-encode it as an outbound frame.</summary>
[MemoryDiagnoser]
public class AcsMediaCodecBenchmarks
{
    private byte[] _inbound = [];
    private readonly DvServerless.Core.Text.Utf8StringCache _participants = new();
    private byte[] _inboundWithTimestamp = [];
    private readonly ArrayBufferWriter<byte> _output = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        var pcm = new byte[960];
        new Random(42).NextBytes(pcm);
        var data = Convert.ToBase64String(pcm);
        _inbound = Encoding.UTF8.GetBytes($$$"""{"kind":"AudioData","audioData":{"participantRawID":"4:+14255550123","data":"{{{data}}}","silent":false}}""");
        _inboundWithTimestamp = Encoding.UTF8.GetBytes($$$"""{"kind":"AudioData","audioData":{"timestamp":"2024-05-01T12:00:00.020Z","participantRawID":"4:+14255550123","data":"{{{data}}}","silent":false}}""");
    }

    [Benchmark(Baseline = true)]
    public int DecodeAndEncode()
    {
        using var message = AcsMediaStreamCodec.Parse(_inbound, _participants);
        _output.ResetWrittenCount();
        return AcsMediaStreamCodec.WriteAudioData(message.Audio.Span, _output);
    }

    [Benchmark]
    public int DecodeWithTimestampAndEncode()
    {
        using var message = AcsMediaStreamCodec.Parse(_inboundWithTimestamp, _participants);
        _output.ResetWrittenCount();
        return AcsMediaStreamCodec.WriteAudioData(message.Audio.Span, _output);
    }
}
