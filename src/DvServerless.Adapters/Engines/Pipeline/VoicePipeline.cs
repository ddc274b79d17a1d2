using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Core.Engines;
using DvServerless.Core.Speech;
using DvServerless.Core.Tts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>
/// A fluent way to put a voice agent together in code:
/// <c>VoicePipeline.Create().Stt(deepgram).Llm(chat, "gpt-4o-mini").Tts(elevenLabs, "Rachel").OnTranscript(t => …).Build()</c>
/// gives the engine factory a call loop uses. Without <see cref="Stt"/>, <see cref="Llm"/> and <see cref="Tts"/> the
/// pipeline decorates another factory (<see cref="Engine"/>, or the app's configured engines through
/// <see cref="VoicePipelineServiceCollectionExtensions.AddVoicePipeline"/>), so its hooks and filters work on any engine,
/// Realtime included.
/// </summary>
public sealed class VoicePipeline
{
    private readonly VoicePipelineHooks _hooks = new();
    private ISpeechToText? _stt;
    private IChatClient? _llm;
    private string? _llmModel;
    private string _llmProvider = "custom";
    private ITextToSpeech? _tts;
    private string? _ttsVoice;
    private IConversationEngineFactory? _engine;
    private CascadedEngineOptions _options = new();

    private VoicePipeline()
    {
    }

    /// <summary>Starts an empty pipeline.</summary>
    public static VoicePipeline Create() => new();

    /// <summary>Whether the pipeline has its own speech-to-text, language model or text-to-speech.</summary>
    internal bool HasParts => _stt is not null || _llm is not null || _tts is not null;

    /// <summary>Whether anything was set that builds a factory on its own (parts, or an engine factory to decorate).</summary>
    internal bool IsSelfContained => HasParts || _engine is not null;

    /// <summary>The speech-to-text that hears the caller.</summary>
    public VoicePipeline Stt(ISpeechToText speechToText)
    {
        _stt = speechToText ?? throw new ArgumentNullException(nameof(speechToText));
        return this;
    }

    /// <summary>The language model that answers; <paramref name="model"/> overrides the agent's <c>Cascaded:LlmModel</c>.</summary>
    public VoicePipeline Llm(IChatClient chatClient, string? model = null)
    {
        _llm = chatClient ?? throw new ArgumentNullException(nameof(chatClient));
        _llmModel = model;
        _llmProvider = chatClient.GetService<ChatClientMetadata>()?.ProviderName ?? "custom";
        return this;
    }

    /// <summary>The text-to-speech that speaks; <paramref name="voice"/> overrides the agent's voice.</summary>
    public VoicePipeline Tts(ITextToSpeech textToSpeech, string? voice = null)
    {
        _tts = textToSpeech ?? throw new ArgumentNullException(nameof(textToSpeech));
        _ttsVoice = voice;
        return this;
    }

    /// <summary>The engine factory whose engines the hooks and filters decorate (instead of own parts).</summary>
    public VoicePipeline Engine(IConversationEngineFactory factory)
    {
        _engine = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>How the cascaded engine on the pipeline's parts behaves (history, chunking, tools).</summary>
    public VoicePipeline Options(CascadedEngineOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Runs once the engine of a new call has started.</summary>
    public VoicePipeline OnNewCall(Func<VoicePipelineCall, ValueTask> hook) => Add(_hooks.NewCall, hook);

    /// <summary>Runs once the engine of a new call has started.</summary>
    public VoicePipeline OnNewCall(Action<VoicePipelineCall> hook) => Add(_hooks.NewCall, Sync(hook));

    /// <summary>Runs on each final caller transcript and each agent transcript, in order with the call's events.</summary>
    public VoicePipeline OnTranscript(Func<VoiceTranscript, ValueTask> hook) => Add(_hooks.Transcript, hook);

    /// <summary>Runs on each final caller transcript and each agent transcript, in order with the call's events.</summary>
    public VoicePipeline OnTranscript(Action<VoiceTranscript> hook) => Add(_hooks.Transcript, Sync(hook));

    /// <summary>Runs when the call's engine is released at the end of the call.</summary>
    public VoicePipeline OnCallEnded(Func<VoicePipelineCall, ValueTask> hook) => Add(_hooks.CallEnded, hook);

    /// <summary>Runs when the call's engine is released at the end of the call.</summary>
    public VoicePipeline OnCallEnded(Action<VoicePipelineCall> hook) => Add(_hooks.CallEnded, Sync(hook));

    /// <summary>Runs on each error the engine reports (most are recoverable: the call goes on).</summary>
    public VoicePipeline OnError(Func<VoicePipelineCall, EngineError, ValueTask> hook) => Add(_hooks.Error, hook);

    /// <summary>Runs on each error the engine reports (most are recoverable: the call goes on).</summary>
    public VoicePipeline OnError(Action<VoicePipelineCall, EngineError> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return Add(_hooks.Error, (call, error) =>
        {
            hook(call, error);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Adds <paramref name="filter"/>, shared by every call, to the audio of <paramref name="direction"/>.</summary>
    public VoicePipeline AudioFilter(AudioDirection direction, IAudioFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return AudioFilter(direction, () => filter);
    }

    /// <summary>Adds a filter made afresh for each call (for filters that keep state) to the audio of <paramref name="direction"/>.</summary>
    public VoicePipeline AudioFilter(AudioDirection direction, Func<IAudioFilter> createPerCall)
    {
        ArgumentNullException.ThrowIfNull(createPerCall);
        _hooks.Filters.Add((direction, createPerCall));
        return this;
    }

    /// <summary>Builds the engine factory.</summary>
    /// <exception cref="InvalidOperationException">Only some of the parts are set, or neither parts nor an engine factory.</exception>
    public IConversationEngineFactory Build(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        Build(inner: null, loggerFactory, timeProvider);

    /// <summary>Builds the factory, decorating <paramref name="inner"/> when the pipeline has no parts or engine of its own.</summary>
    internal IConversationEngineFactory Build(IConversationEngineFactory? inner, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        IConversationEngineFactory engines;
        if (HasParts)
        {
            var missing = new[] { (_stt is null, "Stt"), (_llm is null, "Llm"), (_tts is null, "Tts") }.Where(p => p.Item1).Select(p => p.Item2).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"A voice pipeline with its own parts needs all three; {string.Join(", ", missing)} not set.");
            }

            engines = new PipelinePartsFactory(new CascadedEngineParts(_stt!, _llm!, _llmProvider, _tts!), _llmModel, _ttsVoice, _options,
                loggerFactory, timeProvider ?? TimeProvider.System);
        }
        else
        {
            engines = _engine ?? inner ?? throw new InvalidOperationException(
                "A voice pipeline needs Stt, Llm and Tts, or an engine factory to decorate (Engine(…), or AddConversationEngines before AddVoicePipeline).");
        }

        return _hooks.IsEmpty ? engines : new VoicePipelineEngineFactory(engines, _hooks, loggerFactory.CreateLogger<VoicePipeline>());
    }

    private static Func<T, ValueTask> Sync<T>(Action<T> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return value =>
        {
            hook(value);
            return ValueTask.CompletedTask;
        };
    }

    private VoicePipeline Add<T>(List<T> hooks, T hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        hooks.Add(hook);
        return this;
    }
}
