using DvServerless.Core.Audio;
using DvServerless.Core.Speech;

namespace DvServerless.Testing.Cascaded;

/// <summary>A speech-to-text whose recognitions the test drives: it emits their events and reads the audio they got.</summary>
public sealed class FakeSpeechToText(string provider = "fake-stt", AudioFormat? inputFormat = null) : ISpeechToText
{
    private readonly List<FakeSpeechRecognition> _recognitions = [];

    public string Provider { get; } = provider;

    public AudioFormat InputFormat { get; } = inputFormat ?? AudioFormat.Pcm16k;

    /// <summary>Every recognition opened, oldest first.</summary>
    public IReadOnlyList<FakeSpeechRecognition> Recognitions
    {
        get
        {
            lock (_recognitions)
            {
                return _recognitions.ToArray();
            }
        }
    }

    /// <summary>The recognition opened last.</summary>
    public FakeSpeechRecognition Current => Recognitions[^1];

    /// <summary>The options of the last recognition opened.</summary>
    public SpeechRecognitionOptions? LastOptions { get; private set; }

    /// <summary>When set, the next start fails with it.</summary>
    public Exception? FailNextStart { get; set; }

    public Task<ISpeechRecognition> StartAsync(SpeechRecognitionOptions options, CancellationToken cancellationToken)
    {
        if (FailNextStart is { } failure)
        {
            FailNextStart = null;
            return Task.FromException<ISpeechRecognition>(failure);
        }

        LastOptions = options;
        var recognition = new FakeSpeechRecognition();
        lock (_recognitions)
        {
            _recognitions.Add(recognition);
        }

        return Task.FromResult<ISpeechRecognition>(recognition);
    }
}
