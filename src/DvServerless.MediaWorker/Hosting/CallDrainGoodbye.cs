using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Say;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// The end of a drain for the calls still running: each hears <see cref="MediaWorkerOptions.DrainGoodbye"/> (spoken
/// through <see cref="ICallSpeech"/>, as the <c>say</c> command is) and is hung up once it has heard it, rather than
/// going silent mid-sentence.
/// </summary>
public sealed partial class CallDrainGoodbye
{
    /// <summary>The hang-up reason the call control and the logs see.</summary>
    public const string HangUpReason = "drain";

    private readonly LiveCalls _calls;
    private readonly ICallSpeech? _speech;
    private readonly MediaWorkerOptions _options;
    private readonly ILogger<CallDrainGoodbye> _logger;

    /// <summary>Creates the service; without an <see cref="ICallSpeech"/> the calls are hung up without a word.</summary>
    public CallDrainGoodbye(LiveCalls calls, IServiceProvider services, IOptions<MediaWorkerOptions> options, ILogger<CallDrainGoodbye> logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _calls = calls;
        _speech = services.GetService<ICallSpeech>();
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Says goodbye to every live call and asks each to hang up after it; returns how many were asked.</summary>
    public async Task<int> SayToAllAsync(CancellationToken cancellationToken)
    {
        var calls = _calls.Snapshot();
        var text = _options.DrainGoodbye?.Trim() ?? string.Empty;
        var asked = await Task.WhenAll(calls.Select(call => SayAsync(call, text, cancellationToken))).ConfigureAwait(false);
        return asked.Count(a => a);
    }

    private async Task<bool> SayAsync(LiveCall call, string text, CancellationToken cancellationToken)
    {
        byte[] pcm = [];
        if (text.Length > 0 && _speech is not null && call.Loop.Playout?.LegFormat is { } format)
        {
            try
            {
                pcm = await _speech.SpeakAsync(call.TenantId ?? Adapters.Tts.TtsServiceCollectionExtensions.DefaultTenant, call.AgentId, text, null, format, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is CallSpeechUnavailableException or OperationCanceledException)
            {
                // No words to say: hang up all the same, the drain must end.
                LogGoodbyeUnavailable(call.CallId, e.Message);
            }
        }

        return call.Loop.SayAndHangUp(new InjectedSpeech(text, pcm, Interrupt: true), HangUpReason);
    }

    [LoggerMessage(EventId = 8901, Level = LogLevel.Warning, Message = "Call {CallId}: the drain goodbye could not be spoken ({Reason}); hanging up without it")]
    private partial void LogGoodbyeUnavailable(string callId, string reason);
}
