using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>An engine whose events the test emits one by one, and which records everything the loop asked of it.</summary>
public sealed class ScriptedEngine(AudioFormat? format = null) : IConversationEngine
{
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>();
    private readonly List<byte> _audio = [];
    private readonly List<int> _audioChunkSizes = [];
    private int _emitted;
    private int _delivered;

    public string Name => "scripted";

    public AudioFormat AudioFormat { get; } = format ?? AudioFormat.Pcm24k;

    // Set on whichever thread finishes the start (a held start ends on a thread-pool continuation), read by the test.
    private volatile bool _started;

    public bool Started => _started;

    public bool Disposed { get; private set; }

    public int Cancels { get; private set; }

    public List<(string ItemId, int ContentIndex, int AudioEndMs)> Truncates { get; } = [];

    public List<(string CallId, string Output)> ToolResults { get; } = [];

    public List<string?> ResponsesCreated { get; } = [];

    public List<string> UserTexts { get; } = [];

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

    public int[] ReceivedChunkSizes
    {
        get
        {
            lock (_audio)
            {
                return _audioChunkSizes.ToArray();
            }
        }
    }

    public void Emit(EngineEvent engineEvent)
    {
        Interlocked.Increment(ref _emitted);
        if (!_events.Writer.TryWrite(engineEvent))
        {
            // Closed: as the Realtime engine does with a delta nobody will read, it goes back to the pool.
            (engineEvent as AgentAudioDelta)?.Release();
        }
    }

    public void Close() => _events.Writer.TryComplete();

    /// <summary>Completes when the loop has taken every emitted event into its own queue.</summary>
    public async Task WhenConsumedAsync()
    {
        for (var i = 0; Volatile.Read(ref _delivered) < Volatile.Read(ref _emitted); i++)
        {
            if (i > 5000)
            {
                throw new TimeoutException("The loop did not consume the engine's events.");
            }

            await Task.Delay(1);
        }
    }

    public async Task WhenAudioReceivedAsync(int bytes)
    {
        for (var i = 0; ReceivedAudio.Length < bytes; i++)
        {
            if (i > 5000)
            {
                throw new TimeoutException($"The engine got {ReceivedAudio.Length} of {bytes} bytes.");
            }

            await Task.Delay(1);
        }
    }

    /// <summary>What <see cref="StartAsync"/> waits for: a slow connect when the test holds it.</summary>
    public Task StartGate { get; set; } = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartGate.WaitAsync(cancellationToken);
        _started = true;
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        lock (_audio)
        {
            _audio.AddRange(audio.Span);
            _audioChunkSizes.Add(audio.Length);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken)
    {
        ResponsesCreated.Add(instructions);
        return ValueTask.CompletedTask;
    }

    public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken)
    {
        lock (UserTexts)
        {
            UserTexts.Add(text);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The system notes it was sent (a <c>message</c> item of role system), with whether each asked for a response.</summary>
    public List<(string Text, bool Respond)> SystemNotes { get; } = [];

    public ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken)
    {
        lock (SystemNotes)
        {
            SystemNotes.Add((text, respond));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CancelResponseAsync(CancellationToken cancellationToken)
    {
        Cancels++;
        return ValueTask.CompletedTask;
    }

    public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken)
    {
        Truncates.Add((itemId, contentIndex, audioEndMs));
        return ValueTask.CompletedTask;
    }

    public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken)
    {
        ToolResults.Add((callId, output));
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<EngineEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await _events.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_events.Reader.TryRead(out var engineEvent))
            {
                yield return engineEvent;

                // Resumed: the reader asked for the next event, so it has taken this one.
                Interlocked.Increment(ref _delivered);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _events.Writer.TryComplete();
        while (_events.Reader.TryRead(out var unread))
        {
            // As the Realtime engine does: deltas nobody read go back to the pool.
            (unread as AgentAudioDelta)?.Release();
        }

        return ValueTask.CompletedTask;
    }
}
