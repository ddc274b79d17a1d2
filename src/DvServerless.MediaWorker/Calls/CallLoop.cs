using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Greeting;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Legs;
using DvServerless.MediaWorker.Playout;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Runs one call: caller audio from the leg to the engine, agent audio from the engine through the
/// <see cref="PlayoutClock"/> to the leg, barge-in, transcripts to the call record, and tool calls.
/// </summary>
/// <remarks>
/// <para>
/// Two paths. The caller path is its own task: leg frame → (resample) → engine, nothing shared with anything else.
/// Everything else — engine events, playout ticks, finished tool calls — is a message in one channel read by one task,
/// the control task, which alone touches the playout clock and the call's state. So barge-in is a message handled in
/// order with the audio it interrupts, and no lock is needed anywhere on the audio path.
/// </para>
/// <para>
/// The loop owns the leg and the engine from <see cref="RunAsync"/> on and disposes both when the call ends.
/// </para>
/// </remarks>
public sealed partial class CallLoop : IAsyncDisposable
{
    private readonly string _callId;
    private readonly ICallLeg _leg;
    private readonly IConversationEngine _engine;
    private readonly CallLoopOptions _options;
    private readonly ICallControl _callControl;
    private readonly TimeProvider _time;
    private readonly MediaWorkerMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly CallTurnRecorder _turns;
    private readonly CallToolRunner _tools;
    private readonly CallKeypad _keypad;
    private readonly Channel<LoopMessage> _messages = Channel.CreateUnbounded<LoopMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<TaskCompletionSource> _barriers = [];
    private readonly List<LoopMessage> _beforeEngineReady = [];
    private PlayoutClock? _playout;
    private ResamplingBuffer? _agentResampler;
    private string? _responseInProgress;
    private CallEndReason? _endReason;
    private bool _endRequested;
    private bool _engineReady;
    private int _started;

    /// <summary>Creates the loop for one call; nothing runs until <see cref="RunAsync"/>.</summary>
    public CallLoop(string callId, ICallLeg leg, IConversationEngine engine, CallLoopOptions options, ICallRecordSink recordSink,
        ICallControl callControl, IEnumerable<ICallToolHandler> tools, TimeProvider timeProvider, MediaWorkerMetrics? metrics, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(leg);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recordSink);
        ArgumentNullException.ThrowIfNull(callControl);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _callId = callId;
        _leg = leg;
        _engine = engine;
        _options = options;
        _callControl = callControl;
        _tools = new CallToolRunner(callId, tools, timeProvider, logger, SayToolFillerAsync);
        _time = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _turns = new CallTurnRecorder(new CallRecordWriter(callId, recordSink, logger, timeProvider), timeProvider);
        _keypad = CreateKeypad();
    }

    /// <summary>The greeting played the moment media connects, before the engine's first response; null for none.</summary>
    public ICallGreeting? Greeting { get; init; }

    /// <summary>Counts the call's cost from the engine's usage reports; written to the record at the end. Null: no cost.</summary>
    public CallCost? Cost { get; init; }

    /// <summary>Sees every engine event and every barge-in as the loop handles them (the browser leg's page events); null for none.</summary>
    public ICallLoopObserver? Observer { get; init; }

    /// <summary>
    /// The clock whose timer paces the agent audio (the worker's <see cref="Playout.PlayoutPacer"/>); null: the loop's own
    /// clock, as under a fake clock in tests. Its callbacks must not block: the loop's only posts a message.
    /// </summary>
    public TimeProvider? Pacer { get; init; }

    /// <summary>The playout clock, once the leg's format is known.</summary>
    internal PlayoutClock? Playout => _playout;

    /// <summary>Runs the call until the leg or the engine closes, the agent ends it, or <paramref name="cancellationToken"/> fires.</summary>
    public async Task<CallEndReason> RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A call loop runs once.");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task callerPath = Task.CompletedTask;
        Task enginePath = Task.CompletedTask;
        Task keypadPath = Task.CompletedTask;
        Task control = Task.CompletedTask;
        ITimer? timer = null;
        _metrics?.CallActive(1);
        try
        {
            var legFormat = await _leg.StartAsync(stop.Token).ConfigureAwait(false);
            if (legFormat is not { } format)
            {
                LogLegClosedBeforeMedia(_callId);
                _endReason = CallEndReason.LegClosed;
                return CallEndReason.LegClosed;
            }

            // The greeting starts loading the moment media connects and the control task runs before the engine is
            // connected: a cached greeting plays at once, however long the engine takes to answer its socket.
            var greeting = Greeting?.LoadAsync(_callId, format, stop.Token);
            var startedAt = _time.GetUtcNow();
            _turns.Start(startedAt, _engine.Name, Observer);
            StartLimits();
            LogCallStarted(_callId, format, _engine.Name, _engine.AudioFormat);
            Observer?.OnStarted(new CallLoopStarted(_callId, format, _engine.Name, startedAt));
            _playout = new PlayoutClock(_leg, format, _engine.AudioFormat, _time, _options.PlayoutLead, _metrics);
            if (format != _engine.AudioFormat)
            {
                _agentResampler = new ResamplingBuffer(_engine.AudioFormat, format);
            }

            StartComfortNoise(format);
            timer = (Pacer ?? _time).CreateTimer(static state => ((CallLoop)state!)._messages.Writer.TryWrite(LoopMessage.Tick), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            var controlTimer = timer;
            control = Task.Run(() => RunControlAsync(controlTimer, stop.Token), CancellationToken.None);
            if (greeting is not null)
            {
                _ = PostGreetingAsync(greeting);
            }

            await _engine.StartAsync(stop.Token).ConfigureAwait(false);
            _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.EngineReady));
            callerPath = Task.Run(() => RunCallerPathAsync(format, stop.Token), CancellationToken.None);
            enginePath = Task.Run(() => RunEnginePathAsync(stop.Token), CancellationToken.None);
            keypadPath = Task.Run(() => RunKeypadPathAsync(stop.Token), CancellationToken.None);
            if (AgentGreeting.For(_options.GreetFirst, _options.GreetingInstructions) is { } opening)
            {
                await opening.RequestAsync(_engine, stop.Token).ConfigureAwait(false);
            }

            await control.ConfigureAwait(false);
            return _endReason ??= CallEndReason.Cancelled;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return _endReason ??= CallEndReason.Cancelled;
        }
        catch (Exception ex)
        {
            LogCallFailed(ex, _callId);
            return _endReason ??= CallEndReason.EngineClosed;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);

            // The control task ends on the cancellation; it must be done before its timer goes away.
            await control.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (timer is not null)
            {
                await timer.DisposeAsync().ConfigureAwait(false);
            }

            Observer?.OnEnding(_endReason ?? CallEndReason.Cancelled);
            try
            {
                // Closing the leg completes its Inbound, which ends the caller path.
                await _leg.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogCleanupFailed(ex, _callId, "leg close");
            }

            await Task.WhenAll(callerPath, enginePath, keypadPath).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await EndAsync().ConfigureAwait(false);
            _metrics?.CallActive(-1);
        }
    }

    /// <summary>
    /// Releases the call record writer of a loop that never ran, and stops it from running. A loop that ran released
    /// everything it owns (leg, engine, playout clock, record writer) when <see cref="RunAsync"/> ended; then this does
    /// nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _keypad.Dispose();
            await _turns.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Cuts the agent off as a barge-in does (stop playback, cancel the response, truncate at what was heard), on the
    /// user's request rather than the engine's VAD. False when the call is over.
    /// </summary>
    public bool Interrupt() => _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.Interrupt, null, _time.GetTimestamp()));

    /// <summary>
    /// Sends a typed user message to the engine, cutting the agent off first if it is speaking. False when the call is over.
    /// </summary>
    public bool SendUserText(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.UserText, text, _time.GetTimestamp()));
    }

    /// <summary>
    /// Completes once every message queued so far (engine events, ticks) has been handled and the playout pumped. Lets
    /// tests step a fake clock deterministically.
    /// </summary>
    internal Task WhenProcessedAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.Barrier, done)))
        {
            done.TrySetResult();
        }

        return done.Task;
    }
}
