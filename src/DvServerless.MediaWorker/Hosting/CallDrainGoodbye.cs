using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Say;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// The end of a drain for the calls still running: each hears <see cref="MediaWorkerOptions.DrainGoodbye"/> (spoken
/// through <see cref="ICallSpeech"/>, as the <c>say</c> command is) and is hung up once it has heard it, rather than
/// going silent mid-sentence.
/// </summary>
public sealed class CallDrainGoodbye
{
    /// <summary>The hang-up reason the call control and the logs see.</summary>
    public const string HangUpReason = "drain";

    private readonly LiveCalls _calls;
    private readonly ICallSpeech? _speech;
    private readonly MediaWorkerOptions _options;

    /// <summary>Creates the service; without an <see cref="ICallSpeech"/> the calls are hung up without a word.</summary>
    public CallDrainGoodbye(LiveCalls calls, IServiceProvider services, IOptions<MediaWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _calls = calls;
        _speech = services.GetService<ICallSpeech>();
        _options = options.Value;
    }

    /// <summary>Says goodbye to every live call and asks each to hang up after it; returns how many were asked.</summary>
    public async Task<int> SayToAllAsync(CancellationToken cancellationToken)
    {
        var calls = _calls.Snapshot();
        var text = _options.DrainGoodbye?.Trim() ?? string.Empty;
        var asked = await Task.WhenAll(calls.Select(call => SayAsync(call, text, cancellationToken))).ConfigureAwait(false);
        return asked.Count(a => a);
    }

    // The call's own voice (its tenant's speech, its agent); without an ICallSpeech the call is hung up without a word.
    private Task<bool> SayAsync(LiveCall call, string text, CancellationToken cancellationToken) =>
        call.Loop.SayLastWordsAsync(text, _speech is null ? null
            : new CallVoice(_speech, call.TenantId ?? Adapters.Tts.TtsServiceCollectionExtensions.DefaultTenant, AgentId: call.AgentId),
            HangUpReason, cancellationToken);
}
