using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.Testing.Cascaded;

namespace DvServerless.Adapters.Tests.Engines.Cascaded;

/// <summary>A started cascaded engine over in-memory fakes, with every event it reports collected in order.</summary>
internal sealed class CascadedEngineHarness : IAsyncDisposable
{
    private readonly List<EngineEvent> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    public CascadedEngineHarness(CascadedEngineOptions? options = null, AudioFormat? sttFormat = null, AgentOptions? agent = null)
    {
        Stt = new FakeSpeechToText("fake-stt", sttFormat);
        Agent = agent ?? new AgentOptions { Instructions = "Be brief.", Cascaded = { LlmModel = "test-model", MaxOutputTokens = 120 } };
        Engine = new CascadedEngine("call-1", Agent, new CascadedEngineParts(Stt, Chat, "scripted", Tts), options);
    }

    public FakeSpeechToText Stt { get; }

    public ScriptedChatClient Chat { get; } = new();

    public FakeStreamingTextToSpeech Tts { get; } = new();

    public AgentOptions Agent { get; }

    public CascadedEngine Engine { get; }

    public FakeSpeechRecognition Recognition => Stt.Current;

    public IReadOnlyList<EngineEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public async Task<CascadedEngineHarness> StartAsync()
    {
        await Engine.StartAsync(CancellationToken.None);
        _reader = Task.Run(async () =>
        {
            await foreach (var engineEvent in Engine.ReadEventsAsync(_stop.Token))
            {
                lock (_events)
                {
                    _events.Add(engineEvent);
                }
            }
        });
        return this;
    }

    /// <summary>Waits for the <paramref name="count"/>-th event of type <typeparamref name="T"/> that matches.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, int count = 1) where T : EngineEvent
    {
        T[] found = [];
        await Eventually(() => (found = Events.OfType<T>().Where(e => match?.Invoke(e) ?? true).ToArray()).Length >= count,
            $"{count} × {typeof(T).Name}; got: {string.Join(", ", Events.Select(e => e.GetType().Name))}");
        return found[count - 1];
    }

    public static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; !condition(); i++)
        {
            if (i > 5000)
            {
                throw new TimeoutException($"Waited in vain for {what}.");
            }

            await Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await _stop.CancelAsync();
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
