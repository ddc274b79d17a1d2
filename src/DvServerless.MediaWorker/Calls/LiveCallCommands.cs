using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Say;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Carries out the Functions app's commands on the calls live on this worker, whatever their channel: interrupt, say,
/// comfort noise and note (a system message for the agent, e.g. that a transfer failed) act on the call's loop; stop and
/// mute on a browser session's leg.
/// </summary>
public sealed class LiveCallCommands
{
    /// <summary>The longest note the agent takes: a short line the Functions app writes, never a transcript.</summary>
    public const int MaxNoteLength = 1000;

    private readonly LiveCalls _calls;
    private readonly ICallSpeech? _speech;

    /// <summary>Creates the service; without an <see cref="ICallSpeech"/> registered, <c>say</c> answers <see cref="CallCommandStatus.Unavailable"/>.</summary>
    public LiveCallCommands(LiveCalls calls, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _calls = calls;
        _speech = services.GetService<ICallSpeech>();
    }

    /// <summary>The action a path segment names, or null.</summary>
    public static CallCommandAction? Parse(string action) => action switch
    {
        "stop" => CallCommandAction.Stop,
        "interrupt" => CallCommandAction.Interrupt,
        "audio" => CallCommandAction.Audio,
        "say" => CallCommandAction.Say,
        "comfort-start" => CallCommandAction.ComfortStart,
        "comfort-stop" => CallCommandAction.ComfortStop,
        "note" => CallCommandAction.Note,
        _ => null,
    };

    /// <summary>Applies <paramref name="action"/> with <paramref name="body"/> to the live call <paramref name="callId"/>; the message explains a refusal.</summary>
    public async Task<(CallCommandStatus Status, string? Message)> ApplyAsync(string callId, CallCommandAction action, CallCommandBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var problem = action switch
        {
            CallCommandAction.Audio when body.Enabled is null => "The body must be {\"enabled\": true|false}.",
            CallCommandAction.Say => InjectedSpeechRules.Problem(body.Text, body.Voice),
            CallCommandAction.Note when string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > MaxNoteLength =>
                $"The body must be {{\"text\": \"...\"}} of 1-{MaxNoteLength} characters.",
            _ => null,
        };
        if (problem is not null)
        {
            return (CallCommandStatus.Invalid, problem);
        }

        if (_calls.Find(callId) is not { } call)
        {
            return (CallCommandStatus.NotLive, null);
        }

        switch (action)
        {
            case CallCommandAction.Interrupt:
                return Live(call.Loop.Interrupt());
            case CallCommandAction.ComfortStart:
                return Live(call.Loop.SetComfortNoise(true));
            case CallCommandAction.ComfortStop:
                return Live(call.Loop.SetComfortNoise(false));
            case CallCommandAction.Note:
                return Live(call.Loop.SendSystemNote(body.Text!.Trim()));
            case CallCommandAction.Stop when call.Browser is { } browser:
                return Live(browser.End("stopped"));
            case CallCommandAction.Audio when call.Browser is { } browser:
                return Live(browser.SetAudioEnabled(body.Enabled!.Value));
            case CallCommandAction.Say:
                return await SayAsync(call, body, cancellationToken).ConfigureAwait(false);
            default:
                return (CallCommandStatus.NotSupported, $"A {call.Channel.ToString().ToLowerInvariant()} call has no '{action}' control on the worker.");
        }
    }

    private async Task<(CallCommandStatus, string?)> SayAsync(LiveCall call, CallCommandBody body, CancellationToken cancellationToken)
    {
        if (_speech is null || call.Loop.Playout?.LegFormat is not { } format)
        {
            return _speech is null ? (CallCommandStatus.Unavailable, "This worker has no TTS.") : (CallCommandStatus.NotLive, null);
        }

        byte[] pcm;
        try
        {
            pcm = await _speech.SpeakAsync(call.TenantId ?? Adapters.Tts.TtsServiceCollectionExtensions.DefaultTenant, call.AgentId, body.Text!.Trim(), body.Voice, format, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (CallSpeechUnavailableException e)
        {
            return (CallCommandStatus.Unavailable, e.Message);
        }

        return Live(call.Loop.Say(new InjectedSpeech(body.Text.Trim(), pcm, body.Interrupt ?? false)));
    }

    private static (CallCommandStatus, string?) Live(bool applied) => applied ? (CallCommandStatus.Done, null) : (CallCommandStatus.NotLive, null);
}
