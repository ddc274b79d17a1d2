using System.Buffers;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.Core.Speech;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// An <see cref="IConversationEngine"/> that chains three services: a streaming speech-to-text hears the caller, a
/// language model (<see cref="Microsoft.Extensions.AI.IChatClient"/>) answers when the recognizer says the turn is over,
/// and a text-to-speech service speaks the answer sentence by sentence while the model is still writing it. It reports
/// the same events, in the same order, as the Realtime engine, so the call loop drives both alike.
/// </summary>
/// <remarks>
/// <para>
/// Three kinds of task touch it: the call loop's caller path (<see cref="SendAudioAsync"/>), the listener that reads the
/// recognizer, and one task per response. Responses run one at a time: a new one cancels the one in progress and starts
/// after it has reported its end. The caller starting to speak cancels the response in progress (language model and
/// speech together), as Realtime's server VAD does, so the loop need not.
/// </para>
/// <para>
/// The agent's messages in the history are what the caller heard: each one grows as its pieces are spoken, and a
/// <see cref="TruncateAsync"/> cuts it back to the words played before the barge-in.
/// </para>
/// </remarks>
public sealed partial class CascadedEngine : IConversationEngine
{
    private const int RememberedItems = 16;

    private readonly string _callId;
    private readonly AgentOptions _agent;
    private readonly IList<AITool> _tools;
    private readonly CascadedEngineParts _parts;
    private readonly CascadedEngineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CascadedVoice _voice;
    private readonly ConversationHistory _history;
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SpokenText> _spoken = new(StringComparer.Ordinal);
    private readonly Queue<string> _spokenOrder = new();
    private readonly HashSet<string> _awaitedToolCalls = new(StringComparer.Ordinal);
    private readonly PcmResampler? _callerResampler;
    private byte[]? _callerBuffer;
    private volatile ISpeechRecognition? _recognition;
    private CascadedResponse? _current;
    private Task _listener = Task.CompletedTask;
    private int _ids;
    private int _started;
    private int _disposed;

    /// <summary>Creates the engine for one call; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The speech-to-text's input rate cannot be converted to the engine's.</exception>
    public CascadedEngine(string callId, AgentOptions agent, CascadedEngineParts parts, CascadedEngineOptions? options = null,
        ILogger<CascadedEngine>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(parts);
        _callId = callId;
        _agent = agent;
        _parts = parts;
        _options = options ?? new CascadedEngineOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _logger = logger ?? NullLogger<CascadedEngine>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _tools = CascadedTools.For(agent, _options.Tools);

        var sttFormat = parts.SpeechToText.InputFormat;
        AudioFormat = EngineFormat(sttFormat, _options.SampleRate);
        if (AudioFormat != sttFormat)
        {
            if (sttFormat.Encoding != AudioEncoding.Pcm16 || !PcmResampler.IsSupportedRate(sttFormat.SampleRate))
            {
                throw new ArgumentException($"The speech-to-text {parts.SpeechToText.Provider} takes {sttFormat}, which cannot be converted from {AudioFormat}.", nameof(parts));
            }

            _callerResampler = new PcmResampler(AudioFormat, sttFormat);
        }

        var cascaded = agent.Cascaded;
        _voice = new CascadedVoice(parts.TextToSpeech, string.IsNullOrWhiteSpace(cascaded.TtsVoice) ? agent.Voice : cascaded.TtsVoice,
            cascaded.TtsModel, AudioFormat, agent.EffectiveVoiceOptions());
        _history = new ConversationHistory(agent.Instructions, _options.HistoryTurns);
        Name = $"cascaded:{parts.SpeechToText.Provider}+{parts.ChatProvider}/{cascaded.LlmModel}+{parts.TextToSpeech.Provider}";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>PCM16 at <see cref="CascadedEngineOptions.SampleRate"/>, else at the speech-to-text's input rate.</remarks>
    public AudioFormat AudioFormat { get; }

    /// <inheritdoc />
    /// <exception cref="SpeechToTextException">The speech-to-text service could not be reached or refused the recognition.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The cascaded engine has already been started.");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        _recognition = await OpenRecognitionAsync(linked.Token).ConfigureAwait(false);
        _listener = Task.Run(() => ListenAsync(_lifetime.Token), CancellationToken.None);
        CascadedEngineLog.Started(_logger, _callId, Name, AudioFormat);
    }

    /// <inheritdoc />
    public async ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        var recognition = _recognition;
        if (recognition is null || audio.Length < 2)
        {
            return;
        }

        try
        {
            if (_callerResampler is null)
            {
                await recognition.SendAudioAsync(audio, cancellationToken).ConfigureAwait(false);
                return;
            }

            // One writer (the call loop's caller path): the buffer grows once and is reused for every frame.
            var input = audio.Span[..(audio.Length & ~1)];
            var size = _callerResampler.GetMaxOutputByteCount(input.Length);
            if (_callerBuffer is null || _callerBuffer.Length < size)
            {
                if (_callerBuffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(_callerBuffer);
                }

                _callerBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 4096));
            }

            var written = _callerResampler.Process(input, _callerBuffer);
            await recognition.SendAudioAsync(_callerBuffer.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A broken recognition drops the audio: the listener sees it end and reopens one. The call goes on.
            if (!ReferenceEquals(recognition, _recognition) || _lifetime.IsCancellationRequested)
            {
                return;
            }

            CascadedEngineLog.PartFailed(_logger, _callId, "speech-to-text", ex.Message);
        }
    }

    /// <inheritdoc />
    public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken)
    {
        StartResponse(instructions, turnEndedAt: null);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        lock (_gate)
        {
            _awaitedToolCalls.Clear();
        }

        _history.AddCallerText(text);
        StartResponse(null, turnEndedAt: null);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>The note joins the history as a system message; with <paramref name="respond"/> the agent answers it at once.</remarks>
    public ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        _history.AddSystemNote(text);
        if (respond)
        {
            StartResponse(null, turnEndedAt: null);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CancelResponseAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _current?.Cancel("client_cancelled");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The agent's message in the history becomes the words heard in the first <paramref name="audioEndMs"/> ms: every
    /// piece whose audio fully played, and the share of the piece playing then that matches the share of its audio played.
    /// </remarks>
    public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(itemId);
        lock (_gate)
        {
            if (!_spoken.TryGetValue(itemId, out var spoken))
            {
                CascadedEngineLog.UnknownItem(_logger, _callId, itemId);
                return ValueTask.CompletedTask;
            }

            spoken.Truncated = true;
            _history.SetAgentText(itemId, spoken.HeardText(audioEndMs));
        }

        Publish(new AgentItemTruncated(itemId, Math.Max(0, audioEndMs)));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        _history.SetToolResult(callId, output ?? string.Empty);
        bool resume;
        lock (_gate)
        {
            // The answer goes on once every call of the response is answered, unless the caller moved on meanwhile.
            resume = _awaitedToolCalls.Remove(callId) && _awaitedToolCalls.Count == 0;
            CascadedEngineLog.ToolResult(_logger, _callId, callId, _awaitedToolCalls.Count);
        }

        if (resume)
        {
            StartResponse(null, turnEndedAt: null);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<EngineEvent> ReadEventsAsync(CancellationToken cancellationToken) => _events.Reader.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        Task running;
        lock (_gate)
        {
            _current?.Cancel("client_cancelled");
            running = _current?.Completion ?? Task.CompletedTask;
        }

        await Task.WhenAll(running, _listener).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_recognition is { } recognition)
        {
            await DisposeRecognitionAsync(recognition).ConfigureAwait(false);
        }

        _events.Writer.TryComplete();
        if (_callerBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_callerBuffer);
            _callerBuffer = null;
        }

        _lifetime.Dispose();
    }

    private static AudioFormat EngineFormat(AudioFormat sttFormat, int? sampleRate) => sampleRate switch
    {
        { } rate => new AudioFormat(rate),
        null when sttFormat.Encoding == AudioEncoding.Pcm16 && PcmResampler.IsSupportedRate(sttFormat.SampleRate) => sttFormat,
        _ => AudioFormat.Pcm16k,
    };

    private string NextId(string prefix) => $"{prefix}_{Interlocked.Increment(ref _ids)}";

    private void Publish(EngineEvent engineEvent) => _events.Writer.TryWrite(engineEvent);

    /// <summary>Keeps <paramref name="spoken"/> for truncation; only the last few items can still be playing.</summary>
    private void Remember(string itemId, SpokenText spoken)
    {
        _spoken[itemId] = spoken;
        _spokenOrder.Enqueue(itemId);
        while (_spokenOrder.Count > RememberedItems)
        {
            _spoken.Remove(_spokenOrder.Dequeue());
        }
    }

    private async ValueTask DisposeRecognitionAsync(ISpeechRecognition recognition)
    {
        try
        {
            await recognition.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CascadedEngineLog.PartFailed(_logger, _callId, "speech-to-text close", ex.Message);
        }
    }
}
