using DvServerless.Adapters.Engines.Realtime;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Sip;

/// <summary>
/// A SIP call's silence handling and time limit, decided by the same <see cref="CallLimitWatch"/> a call loop uses. The
/// sideband's event handler tells it what happens (the caller speaking or pressing keys, a response or a tool running,
/// the far end playing); <see cref="RunAsync"/> checks the watch and acts. With no audio of its own to play, the goodbye
/// is the agent's, asked for with a system note, and the hang-up waits for it to play
/// (<see cref="GoodbyeHangUp.RequestLastWordsAsync"/>).
/// </summary>
/// <remarks>
/// Fed from the sideband's event loop while <see cref="RunAsync"/> runs beside it: the watch is used under one lock.
/// </remarks>
internal sealed partial class SidebandLimits : IDisposable
{
    /// <summary>How often the limits are looked at when nothing is due sooner: coarse, as silence is counted in seconds.</summary>
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _callId;
    private readonly RealtimeEngine _engine;
    private readonly GoodbyeHangUp _goodbye;
    private readonly CallLimits _limits;
    private readonly CallLimitWatch? _watch;
    private readonly Func<bool> _responding;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _callEnded;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _over = new();
    private bool _callerSpeaking;
    private bool _toolRunning;

    /// <summary>
    /// Watches <paramref name="limits"/> for <paramref name="callId"/> from now (the attach, when the sideband can steer the
    /// call); <paramref name="responding"/> says whether a response of the session is streaming.
    /// </summary>
    public SidebandLimits(string callId, RealtimeEngine engine, GoodbyeHangUp goodbye, CallLimits limits, Func<bool> responding,
        TimeProvider time, ILogger logger, CancellationToken callEnded)
    {
        _callId = callId;
        _engine = engine;
        _goodbye = goodbye;
        _limits = limits;
        _watch = limits.Any ? new CallLimitWatch(limits, time) : null;
        _responding = responding;
        _time = time;
        _logger = logger;
        _callEnded = callEnded;
    }

    /// <summary>The caller started speaking (<paramref name="speaking"/>) or pressed a key: the silence starts again.</summary>
    public void CallerHeard(bool speaking)
    {
        if (speaking)
        {
            Volatile.Write(ref _callerSpeaking, true);
        }

        if (_watch is { } watch)
        {
            lock (_gate)
            {
                watch.CallerSpoke();
                watch.SetBusy(IsBusy());
            }
        }
    }

    /// <summary>The caller stopped speaking.</summary>
    public void CallerStopped()
    {
        Volatile.Write(ref _callerSpeaking, false);
        Changed();
    }

    /// <summary>A tool of the agent started (<paramref name="running"/>) or finished.</summary>
    public void ToolRunning(bool running)
    {
        Volatile.Write(ref _toolRunning, running);
        Changed();
    }

    /// <summary>Something the call's busyness depends on changed (a response, the far end's playback).</summary>
    public void Changed()
    {
        if (_watch is { } watch)
        {
            lock (_gate)
            {
                watch.SetBusy(IsBusy());
            }
        }
    }

    /// <summary>
    /// Checks the call's limits until <see cref="Dispose"/> (the sideband is over): at most once a second, or sooner when
    /// something is due, on <see cref="TimeProvider"/>'s clock. Returns at once when the call has no limits.
    /// </summary>
    public async Task RunAsync()
    {
        if (_watch is not { } watch)
        {
            return;
        }

        var over = _over.Token;
        try
        {
            while (!over.IsCancellationRequested)
            {
                TimeSpan wait;
                CallLimitDue due;
                lock (_gate)
                {
                    watch.SetBusy(IsBusy());
                    due = watch.Check();
                    var next = watch.NextDueAt() - _time.GetUtcNow();
                    wait = next is { } soon && soon < CheckInterval ? (soon > TimeSpan.Zero ? soon : TimeSpan.Zero) : CheckInterval;
                }

                await ActAsync(due, watch, over).ConfigureAwait(false);
                if (watch.Ended)
                {
                    return;
                }

                await Task.Delay(wait, _time, over).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (over.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_callEnded.IsCancellationRequested)
        {
            LogLimitFailed(ex, _callId);
        }
    }

    /// <summary>The sideband is over: the checks stop.</summary>
    public void Dispose()
    {
        _over.Cancel();
        _over.Dispose();
    }

    private async Task ActAsync(CallLimitDue due, CallLimitWatch watch, CancellationToken cancellationToken)
    {
        switch (due)
        {
            case CallLimitDue.SilencePrompt:
                LogSilencePrompt(_callId, watch.PromptsSent);
                await _engine.SendSystemNoteAsync(CallLimits.SilenceNote, respond: true, cancellationToken).ConfigureAwait(false);
                break;
            case CallLimitDue.SilenceGoodbye:
                await SayGoodbyeAsync(CallLimitEndReasons.CallerSilent, _limits.SilenceGoodbye, cancellationToken).ConfigureAwait(false);
                break;
            case CallLimitDue.TimeLimit:
                await SayGoodbyeAsync(CallLimitEndReasons.TimeLimit, _limits.TimeLimitGoodbye, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// The agent says <paramref name="goodbye"/> (its own voice is the only one on a SIP call), cutting off a response in
    /// progress first (the service refuses a second one while one is active), and the call is hung up once it played.
    /// </summary>
    private async Task SayGoodbyeAsync(string reason, string goodbye, CancellationToken cancellationToken)
    {
        LogLimitReached(_callId, reason);
        if (_goodbye.Ending)
        {
            return; // The agent is already ending the call.
        }

        await _goodbye.RequestLastWordsAsync(reason, lastWords: goodbye.Length > 0, cancellationToken).ConfigureAwait(false);
        if (goodbye.Length == 0)
        {
            return;
        }

        if (_responding())
        {
            await _engine.CancelResponseAsync(cancellationToken).ConfigureAwait(false);
        }

        // The goodbye is the deployment's configured sentence, never the caller's words.
        await _engine.SendSystemNoteAsync($"The call is ending now. Say exactly this to the caller, and nothing else: \"{goodbye}\"", respond: true, cancellationToken)
            .ConfigureAwait(false);
    }

    private bool IsBusy() =>
        _responding() || Volatile.Read(ref _callerSpeaking) || Volatile.Read(ref _toolRunning) || _goodbye.FarEndPlaying || _goodbye.Ending;

    [LoggerMessage(EventId = 9513, Level = LogLevel.Information, Message = "SIP call {CallId}: the caller has been silent; the agent asks whether they are there (prompt {Prompt})")]
    private partial void LogSilencePrompt(string callId, int prompt);

    [LoggerMessage(EventId = 9514, Level = LogLevel.Information, Message = "SIP call {CallId}: {Reason}; the agent says goodbye and the call is hung up")]
    private partial void LogLimitReached(string callId, string reason);

    [LoggerMessage(EventId = 9515, Level = LogLevel.Warning, Message = "SIP call {CallId}: checking the call's limits failed; they no longer apply to this call")]
    private partial void LogLimitFailed(Exception exception, string callId);
}
