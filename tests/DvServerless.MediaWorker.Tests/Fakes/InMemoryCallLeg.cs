using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Legs;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>A leg made of channels: tests push caller frames and read what the loop sent, in order.</summary>
public sealed class InMemoryCallLeg(AudioFormat format) : ICallLeg
{
    private readonly Channel<PooledAudio> _inbound = Channel.CreateUnbounded<PooledAudio>();
    private readonly List<LegOutput> _outputs = [];
    private readonly Channel<char> _keys = Channel.CreateUnbounded<char>();

    public AudioFormat Format { get; } = format;

    public bool Closed { get; private set; }

    public bool Disposed { get; private set; }

    public ChannelReader<PooledAudio> Inbound => _inbound.Reader;

    public ChannelReader<char>? Keypresses => _keys.Reader;

    /// <summary>Everything sent, in order: audio frames and StopAudio markers.</summary>
    public IReadOnlyList<LegOutput> Outputs
    {
        get
        {
            lock (_outputs)
            {
                return _outputs.ToArray();
            }
        }
    }

    public IReadOnlyList<byte[]> Frames => Outputs.Where(o => !o.IsStop).Select(o => o.Audio!).ToArray();

    public int StopCount => Outputs.Count(o => o.IsStop);

    /// <summary>Runs after each audio frame is taken, with how many were sent so far (e.g. to move a fake clock: a slow send).</summary>
    public Action<int>? AfterSend { get; set; }

    public void PushCallerAudio(ReadOnlySpan<byte> audio) => _inbound.Writer.TryWrite(PooledAudio.CopyOf(audio));

    public void Hangup() => _inbound.Writer.TryComplete();

    /// <summary>The caller presses <paramref name="key"/> (as ACS DtmfData would bring it).</summary>
    public void PressKey(char key) => _keys.Writer.TryWrite(key);

    public ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AudioFormat?>(Format);

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        int sent;
        lock (_outputs)
        {
            _outputs.Add(new LegOutput(audio.ToArray(), false));
            sent = _outputs.Count(o => !o.IsStop);
        }

        AfterSend?.Invoke(sent);
        return ValueTask.CompletedTask;
    }

    public ValueTask StopAudioAsync(CancellationToken cancellationToken)
    {
        lock (_outputs)
        {
            _outputs.Add(new LegOutput(null, true));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        Closed = true;
        _inbound.Writer.TryComplete();
        _keys.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _inbound.Writer.TryComplete();
        while (_inbound.Reader.TryRead(out var unread))
        {
            unread.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}

public sealed record LegOutput(byte[]? Audio, bool IsStop);
