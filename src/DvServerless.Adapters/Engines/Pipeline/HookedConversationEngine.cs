using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>
/// Wraps any engine (realtime or cascaded) with a voice pipeline's hooks and audio filters: the new-call hook once the
/// engine has started, the transcript hooks on each caller and agent final text, the error hook on each engine error,
/// the call-ended hook when the engine is disposed; caller filters on audio before the engine hears it, agent filters on
/// the engine's audio before the call loop plays it. A hook that throws is logged and the call goes on.
/// </summary>
internal sealed class HookedConversationEngine : IConversationEngine
{
    private readonly IConversationEngine _inner;
    private readonly VoicePipelineHooks _hooks;
    private readonly AgentOptions _agent;
    private readonly string _callId;
    private readonly ILogger _logger;
    private readonly IAudioFilter[] _callerFilters;
    private readonly IAudioFilter[] _agentFilters;
    private byte[]? _callerBuffer;
    private int _disposed;

    public HookedConversationEngine(IConversationEngine inner, string callId, AgentOptions agent, VoicePipelineHooks hooks, ILogger logger)
    {
        _inner = inner;
        _callId = callId;
        _agent = agent;
        _hooks = hooks;
        _logger = logger;
        _callerFilters = hooks.Filters.Where(f => f.Direction == AudioDirection.Caller).Select(f => f.Create()).ToArray();
        _agentFilters = hooks.Filters.Where(f => f.Direction == AudioDirection.Agent).Select(f => f.Create()).ToArray();
    }

    public string Name => _inner.Name;

    public AudioFormat AudioFormat => _inner.AudioFormat;

    private VoicePipelineCall Call => new(_callId, _agent, _inner.Name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _inner.StartAsync(cancellationToken).ConfigureAwait(false);
        var call = Call;
        foreach (var hook in _hooks.NewCall)
        {
            await RunHookAsync(() => hook(call), "new-call").ConfigureAwait(false);
        }
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (_callerFilters.Length == 0 || audio.Length < 2)
        {
            return _inner.SendAudioAsync(audio, cancellationToken);
        }

        // The loop's frame is read-only and pooled: filter a copy in one buffer reused for the whole call (one writer).
        if (_callerBuffer is null || _callerBuffer.Length < audio.Length)
        {
            if (_callerBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_callerBuffer);
            }

            _callerBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(audio.Length, 4096));
        }

        var copy = _callerBuffer.AsMemory(0, audio.Length);
        audio.CopyTo(copy);
        Filter(_callerFilters, copy.Span);
        return _inner.SendAudioAsync(copy, cancellationToken);
    }

    public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken) =>
        _inner.CreateResponseAsync(instructions, cancellationToken);

    public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken) => _inner.SendUserTextAsync(text, cancellationToken);

    public ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken) =>
        _inner.SendSystemNoteAsync(text, respond, cancellationToken);

    public ValueTask CancelResponseAsync(CancellationToken cancellationToken) => _inner.CancelResponseAsync(cancellationToken);

    public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken) =>
        _inner.TruncateAsync(itemId, contentIndex, audioEndMs, cancellationToken);

    public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken) =>
        _inner.SendToolResultAsync(callId, output, cancellationToken);

    public async IAsyncEnumerable<EngineEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var engineEvent in _inner.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (engineEvent)
            {
                case AgentAudioDelta delta when _agentFilters.Length > 0:
                    // An unpooled delta's audio may be the engine's own buffer: filter a pooled copy, which the reader
                    // releases like any engine delta; a pooled one is ours until released, so it is filtered in place.
                    var filtered = delta.IsPooled ? delta : AgentAudioDelta.RentCopy(delta.ResponseId, delta.ItemId, delta.ContentIndex, delta.Audio.Span);
                    Filter(_agentFilters, filtered.WritableAudio);
                    yield return filtered;
                    continue;
                case CallerTranscript caller:
                    await TranscriptAsync(new VoiceTranscript(_callId, AudioDirection.Caller, caller.ItemId, caller.Text)).ConfigureAwait(false);
                    break;
                case AgentTranscriptDone agent:
                    await TranscriptAsync(new VoiceTranscript(_callId, AudioDirection.Agent, agent.ItemId, agent.Transcript)).ConfigureAwait(false);
                    break;
                case EngineError error:
                    var call = Call;
                    foreach (var hook in _hooks.Error)
                    {
                        await RunHookAsync(() => hook(call, error), "error").ConfigureAwait(false);
                    }

                    break;
            }

            yield return engineEvent;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            var call = Call;
            foreach (var hook in _hooks.CallEnded)
            {
                await RunHookAsync(() => hook(call), "call-ended").ConfigureAwait(false);
            }

            if (_callerBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_callerBuffer);
                _callerBuffer = null;
            }
        }
    }

    private void Filter(IAudioFilter[] filters, Span<byte> pcm)
    {
        var samples = MemoryMarshal.Cast<byte, short>(pcm[..(pcm.Length & ~1)]);
        var format = _inner.AudioFormat;
        foreach (var filter in filters)
        {
            filter.Process(samples, format);
        }
    }

    private async ValueTask TranscriptAsync(VoiceTranscript transcript)
    {
        foreach (var hook in _hooks.Transcript)
        {
            await RunHookAsync(() => hook(transcript), "transcript").ConfigureAwait(false);
        }
    }

    private async ValueTask RunHookAsync(Func<ValueTask> run, string hook)
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            VoicePipelineLog.HookFailed(_logger, ex, _callId, hook);
        }
    }
}
