using System.Threading.Channels;
using DvServerless.Core.Speech;

namespace DvServerless.Testing.Cascaded;

/// <summary>One recognition of <see cref="FakeSpeechToText"/>: the test emits its events; it keeps the audio it got.</summary>
public sealed class FakeSpeechRecognition : ISpeechRecognition
{
    private readonly Channel<SpeechRecognitionEvent> _events = Channel.CreateUnbounded<SpeechRecognitionEvent>();
    private readonly List<byte> _audio = [];

    public bool Completed { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>Every byte of audio sent, in order.</summary>
    public byte[] ReceivedAudio
    {
        get
        {
            lock (_audio)
            {
                return _audio.ToArray();
            }
        }
    }

    /// <summary>Emits a recognizer event.</summary>
    public void Emit(SpeechRecognitionEvent speech) => _events.Writer.TryWrite(speech);

    /// <summary>The caller said <paramref name="text"/> from <paramref name="startMs"/> to <paramref name="endMs"/> and ended the turn.</summary>
    public void Say(string text, int startMs = 0, int endMs = 1000)
    {
        Emit(new SpeechStarted(TimeSpan.FromMilliseconds(startMs)));
        Emit(new SpeechPartial(text));
        Emit(new SpeechFinal(text, TimeSpan.FromMilliseconds(startMs), TimeSpan.FromMilliseconds(endMs), EndOfTurn: true, Confidence: 0.9));
    }

    /// <summary>Ends the events, as a recognizer whose connection closed.</summary>
    public void End() => _events.Writer.TryComplete();

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        lock (_audio)
        {
            _audio.AddRange(audio.Span);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        Completed = true;
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public IAsyncEnumerable<SpeechRecognitionEvent> ReadEventsAsync(CancellationToken cancellationToken) => _events.Reader.ReadAllAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
