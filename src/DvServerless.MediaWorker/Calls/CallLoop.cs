using System.Buffers;
using System.Text;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.Core.Records;
using DvServerless.Core.Minutes;
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
    private readonly Dictionary<string, ICallToolHandler> _tools;
    private readonly TimeProvider _time;
    private readonly MediaWorkerMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly CallRecordWriter _records;
    private readonly Channel<LoopMessage> _messages = Channel.CreateUnbounded<LoopMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, StringBuilder> _agentText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _agentTranscripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgentUtterance> _awaitingTranscript = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _callerSpeechStartMs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _toolCallIds = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _barriers = [];
    private PlayoutClock? _playout;
    private PcmResampler? _agentResampler;
    private byte[]? _agentScratch;
    private DateTimeOffset _startedAt;
    private string? _responseInProgress;
    private CallEndReason? _endReason;
    private bool _endRequested;
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
        _tools = tools.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _time = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _records = new CallRecordWriter(callId, recordSink, logger);
    }

    /// <summary>The greeting played the moment media connects, before the engine's first response; null for none.</summary>
    public ICallGreeting? Greeting { get; init; }

    /// <summary>Counts the call's cost from the engine's usage reports; written to the record at the end. Null: no cost.</summary>
    public CallCost? Cost { get; init; }

    /// <summary>Sees every engine event and every barge-in as the loop handles them (the browser leg's page events); null for none.</summary>
    public ICallLoopObserver? Observer { get; init; }

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

            // The greeting loads while the engine connects; it is queued as soon as it is ready.
            var greeting = Greeting?.LoadAsync(_callId, format, stop.Token);
            await _engine.StartAsync(stop.Token).ConfigureAwait(false);
            _startedAt = _time.GetUtcNow();
            LogCallStarted(_callId, format, _engine.Name, _engine.AudioFormat);
            Observer?.OnStarted(new CallLoopStarted(_callId, format, _engine.Name, _startedAt));
            _playout = new PlayoutClock(_leg, format, _engine.AudioFormat, _time, _options.PlayoutLead, _metrics);
            if (format != _engine.AudioFormat)
            {
                _agentResampler = new PcmResampler(_engine.AudioFormat, format);
            }

            timer = _time.CreateTimer(static state => ((CallLoop)state!)._messages.Writer.TryWrite(LoopMessage.Tick), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            callerPath = Task.Run(() => RunCallerPathAsync(format, stop.Token), CancellationToken.None);
            enginePath = Task.Run(() => RunEnginePathAsync(stop.Token), CancellationToken.None);
            if (greeting is not null)
            {
                _ = PostGreetingAsync(greeting);
            }

            if (_options.GreetFirst)
            {
                await _engine.CreateResponseAsync(_options.GreetingInstructions, stop.Token).ConfigureAwait(false);
            }

            await RunControlAsync(timer, stop.Token).ConfigureAwait(false);
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

            await Task.WhenAll(callerPath, enginePath).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
            await _records.DisposeAsync().ConfigureAwait(false);
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

    private async Task RunCallerPathAsync(AudioFormat legFormat, CancellationToken cancellationToken)
    {
        var engineFormat = _engine.AudioFormat;
        PcmResampler? resampler = legFormat == engineFormat ? null : new PcmResampler(legFormat, engineFormat);
        byte[]? converted = null;
        var reader = _leg.Inbound;
        try
        {
            // No token on the wait (a cancellable wait allocates per frame): the leg completes Inbound when the loop
            // closes it, which ends this path.
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    using (frame)
                    {
                        _metrics?.FrameIn();
                        if (resampler is null)
                        {
                            // Pass-through (ACS PCM 24 kHz ↔ Realtime audio/pcm): the pooled frame goes to the engine as is.
                            await _engine.SendAudioAsync(frame.Memory, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        var input = frame.Span[..(frame.Length & ~1)];
                        var size = resampler.GetMaxOutputByteCount(input.Length);
                        if (converted is null || converted.Length < size)
                        {
                            if (converted is not null)
                            {
                                ArrayPool<byte>.Shared.Return(converted);
                            }

                            converted = ArrayPool<byte>.Shared.Rent(Math.Max(size, 4096));
                        }

                        var written = resampler.Process(input, converted);
                        await _engine.SendAudioAsync(converted.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            _messages.Writer.TryWrite(LoopMessage.LegClosed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogCallerPathFailed(ex, _callId);
            _messages.Writer.TryWrite(LoopMessage.EngineEnded);
        }
        finally
        {
            if (converted is not null)
            {
                ArrayPool<byte>.Shared.Return(converted);
            }
        }
    }

    private async Task RunEnginePathAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var engineEvent in _engine.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                // Stamped as it comes off the socket: a barge-in's reaction time counts from here.
                _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.Engine, engineEvent, _time.GetTimestamp()));
            }

            _messages.Writer.TryWrite(LoopMessage.EngineEnded);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogEnginePathFailed(ex, _callId);
            _messages.Writer.TryWrite(LoopMessage.EngineEnded);
        }
    }

    private async Task RunControlAsync(ITimer timer, CancellationToken cancellationToken)
    {
        var reader = _messages.Reader;
        var playout = _playout!;

        // The waits below take no token: a cancellable channel wait allocates on every call, and this loop waits once
        // per tick. Cancellation arrives as a message instead.
        await using var cancelled = cancellationToken.Register(static state => ((CallLoop)state!)._messages.Writer.TryWrite(LoopMessage.Cancelled), this);
        while (_endReason is null && await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (_endReason is null && reader.TryRead(out var message))
            {
                switch (message.Kind)
                {
                    case LoopMessageKind.Engine:
                        await HandleEngineEventAsync((EngineEvent)message.Payload!, message.Timestamp, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.ToolCompleted:
                        await HandleToolCompletedAsync((ToolOutcome)message.Payload!, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.LegClosed:
                        _endReason = CallEndReason.LegClosed;
                        break;
                    case LoopMessageKind.EngineEnded:
                        _endReason = CallEndReason.EngineClosed;
                        break;
                    case LoopMessageKind.Cancelled:
                        _endReason = CallEndReason.Cancelled;
                        break;
                    case LoopMessageKind.Barrier:
                        _barriers.Add((TaskCompletionSource)message.Payload!);
                        break;
                    case LoopMessageKind.Interrupt:
                        await BargeInAsync(forceCancel: true, message.Timestamp, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.UserText:
                        await BargeInAsync(forceCancel: true, message.Timestamp, cancellationToken).ConfigureAwait(false);
                        await _engine.SendUserTextAsync((string)message.Payload!, cancellationToken).ConfigureAwait(false);
                        break;
                    case LoopMessageKind.Tick:
                    default:
                        break;
                }
            }

            if (_endReason is null)
            {
                await playout.PumpAsync(cancellationToken).ConfigureAwait(false);
                ReportStartedUtterances();
                RecordFinishedUtterances();
                if (_endRequested && playout.IsIdle)
                {
                    _endReason = CallEndReason.AgentEnded;
                }
                else if (playout.NextDueAt() is { } due)
                {
                    var delay = due - _time.GetUtcNow();
                    timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }

            ReleaseBarriers();
        }
    }

    private async ValueTask HandleEngineEventAsync(EngineEvent engineEvent, long receivedTimestamp, CancellationToken cancellationToken)
    {
        Observer?.OnEngineEvent(engineEvent);
        switch (engineEvent)
        {
            case AgentAudioDelta delta:
                AppendAgentAudio(delta);
                break;
            case CallerSpeechStarted started:
                if (started.ItemId is not null)
                {
                    _callerSpeechStartMs[started.ItemId] = started.AudioStartMs;
                }

                await BargeInAsync(forceCancel: false, receivedTimestamp, cancellationToken).ConfigureAwait(false);
                break;
            case CallerTranscript transcript:
                RecordCallerTurn(transcript);
                break;
            case AgentTranscriptDelta textDelta:
                if (!_agentText.TryGetValue(textDelta.ItemId, out var text))
                {
                    _agentText[textDelta.ItemId] = text = new StringBuilder();
                }

                text.Append(textDelta.Delta);
                break;
            case AgentTranscriptDone done:
                _agentTranscripts[done.ItemId] = done.Transcript;
                if (_awaitingTranscript.Remove(done.ItemId, out var finished))
                {
                    RecordAgentTurn(finished);
                }

                break;
            case ResponseStarted response:
                _responseInProgress = response.ResponseId;
                break;
            case ResponseFinished response:
                if (_responseInProgress == response.ResponseId)
                {
                    _responseInProgress = null;
                }

                _playout!.CompleteResponse(response.ResponseId);
                break;
            case ToolCallRequested toolCall:
                await StartToolCallAsync(toolCall, cancellationToken).ConfigureAwait(false);
                break;
            case EngineUsageReported usage when Cost is not null:
                var added = Cost.Add(usage.Usage, usage.Model);
                Observer?.OnCostChanged(Cost.TotalUsd, added);
                break;
            case GreetingReady ready:
                QueueGreeting(ready.Audio);
                break;
            case EngineError error:
                LogEngineError(_callId, error.Code ?? "none", error.Message);
                break;
            case EngineClosed closed:
                LogEngineClosed(_callId, closed.Reason ?? "none");
                _endReason = CallEndReason.EngineClosed;
                break;
            default:
                // CallerSpeechStopped, AgentItemTruncated and kinds added later need nothing from the loop.
                break;
        }
    }

    private void AppendAgentAudio(AgentAudioDelta delta)
    {
        var playout = _playout!;
        if (playout.IsDropped(delta.ResponseId, delta.ItemId))
        {
            // Audio of an interrupted item that was already in flight: the caller must never hear it.
            return;
        }

        var audio = delta.Audio.Span;
        if (_agentResampler is null)
        {
            playout.Append(delta.ResponseId, delta.ItemId, delta.ContentIndex, audio.Length, audio);
            return;
        }

        var input = audio[..(audio.Length & ~1)];
        var size = _agentResampler.GetMaxOutputByteCount(input.Length);
        if (_agentScratch is null || _agentScratch.Length < size)
        {
            if (_agentScratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_agentScratch);
            }

            _agentScratch = ArrayPool<byte>.Shared.Rent(Math.Max(size, 4096));
        }

        var written = _agentResampler.Process(input, _agentScratch);
        playout.Append(delta.ResponseId, delta.ItemId, delta.ContentIndex, audio.Length, _agentScratch.AsSpan(0, written));
    }

    private async ValueTask BargeInAsync(bool forceCancel, long signalTimestamp, CancellationToken cancellationToken)
    {
        var playout = _playout!;
        var now = _time.GetUtcNow();

        // 1. Stop what the caller hears now: flush the queue and send StopAudio ahead of any queued audio.
        var interrupted = await playout.InterruptAsync(cancellationToken).ConfigureAwait(false);
        var reactionMs = _time.GetElapsedTime(signalTimestamp).TotalMilliseconds;

        // 2. Cancel the response only when the engine does not do it by itself (see CallLoopOptions).
        if (_responseInProgress is { } responseId)
        {
            playout.DropResponse(responseId);
            if (forceCancel || !_options.EngineInterruptsOnSpeech)
            {
                await _engine.CancelResponseAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (interrupted is null)
        {
            // Nothing was playing: there is nothing to truncate.
            return;
        }

        // 3. Cut the item at what the caller heard; never past what the engine produced.
        var audioEndMs = TruncationPointMs(interrupted.HeardMs, interrupted.ReceivedMs);
        Observer?.OnInterrupted(interrupted.ItemId, audioEndMs);
        if (interrupted.ItemId != GreetingReady.ItemId)
        {
            // The cached greeting is not the engine's item: there is nothing to truncate.
            await _engine.TruncateAsync(interrupted.ItemId, interrupted.ContentIndex, audioEndMs, cancellationToken).ConfigureAwait(false);
        }

        _metrics?.BargeIn();
        Observer?.OnBargeIn(new CallBargeIn(interrupted.ItemId, audioEndMs, reactionMs, now));
        LogBargeIn(_callId, interrupted.ItemId, audioEndMs, interrupted.SentMs, interrupted.ReceivedMs);

        var atMs = MediaMs(now);
        var generated = AgentText(interrupted.ItemId);
        Record(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "agent",
            Text = generated,
            AudioEndMs = audioEndMs,
            HeardText = generated is null ? null : MinutesBuilder.HeardText(generated, audioEndMs, interrupted.ReceivedMs),
            StartMs = interrupted.StartedAt is { } start ? MediaMs(start) : atMs,
            EndMs = atMs,
            ItemId = interrupted.ItemId,
            Interrupted = true,
            SentMs = interrupted.SentMs,
            ReceivedMs = interrupted.ReceivedMs,
            Engine = _engine.Name,
            At = now,
        });
        Record(new CallRecordEntry
        {
            Kind = "barge-in",
            StartMs = atMs,
            ItemId = interrupted.ItemId,
            Interrupted = true,
            AudioEndMs = audioEndMs,
            SentMs = interrupted.SentMs,
            ReceivedMs = interrupted.ReceivedMs,
            Engine = _engine.Name,
            At = now,
        });
        ForgetAgentText(interrupted.ItemId);
    }

    /// <summary>
    /// The <c>audio_end_ms</c> of a truncate: what the caller heard, never below 0 and never past the audio the engine
    /// produced for the item (the engine rejects that; resampling rounds up by a fraction of a millisecond).
    /// </summary>
    internal static int TruncationPointMs(int heardMs, int receivedMs) => Math.Clamp(heardMs, 0, Math.Max(0, receivedMs));

    private async ValueTask StartToolCallAsync(ToolCallRequested toolCall, CancellationToken cancellationToken)
    {
        if (!_toolCallIds.Add(toolCall.CallId))
        {
            return; // Each call_id runs once, however often the engine reports it.
        }

        if (!_tools.TryGetValue(toolCall.Name, out var handler))
        {
            LogUnknownTool(_callId, toolCall.Name);
            Observer?.OnToolCompleted(toolCall, TimeSpan.Zero, failed: true);
            await _engine.SendToolResultAsync(toolCall.CallId, "{\"error\":\"unknown tool\"}", cancellationToken).ConfigureAwait(false);
            return;
        }

        // Tools may be slow (HTTP, storage): run them off the control task and come back with a message.
        _ = Task.Run(async () =>
        {
            CallToolResult result;
            var started = _time.GetTimestamp();
            var failed = false;
            try
            {
                result = await handler.InvokeAsync(_callId, toolCall.ArgumentsJson, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogToolFailed(ex, _callId, toolCall.Name);
                result = new CallToolResult("{\"error\":\"tool failed\"}");
                failed = true;
            }

            _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.ToolCompleted, new ToolOutcome(toolCall, result, _time.GetElapsedTime(started), failed)));
        }, CancellationToken.None);
    }

    private async ValueTask HandleToolCompletedAsync(ToolOutcome outcome, CancellationToken cancellationToken)
    {
        Observer?.OnToolCompleted(outcome.Request, outcome.Duration, outcome.Failed);
        if (outcome.Result.EndCall)
        {
            // Let the goodbye already queued play out, then end (RunControlAsync checks once the playout is idle).
            LogAgentEndsCall(_callId, outcome.Request.Name);
            _endRequested = true;
            return;
        }

        await _engine.SendToolResultAsync(outcome.Request.CallId, outcome.Result.Output, cancellationToken).ConfigureAwait(false);
    }

    private void RecordCallerTurn(CallerTranscript transcript)
    {
        var now = _time.GetUtcNow();
        Record(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "caller",
            Text = transcript.Text,
            StartMs = _callerSpeechStartMs.Remove(transcript.ItemId, out var startMs) ? startMs : MediaMs(now),
            ItemId = transcript.ItemId,
            Engine = _engine.Name,
            At = now,
        });
    }

    private void ReportStartedUtterances()
    {
        while (_playout!.TryTakeStarted(out var utterance, out var sentAt))
        {
            Observer?.OnAgentAudioStarted(utterance.ItemId, sentAt);
        }
    }

    private void Record(CallRecordEntry entry)
    {
        _records.Write(entry);
        Observer?.OnRecorded(entry);
    }

    private void RecordFinishedUtterances()
    {
        while (_playout!.TryTakeFinished(out var utterance))
        {
            if (_agentTranscripts.ContainsKey(utterance.ItemId))
            {
                RecordAgentTurn(utterance);
            }
            else
            {
                // The transcript usually trails the audio; write the turn when it arrives (or at the end of the call).
                _awaitingTranscript[utterance.ItemId] = utterance;
            }
        }
    }

    private void RecordAgentTurn(AgentUtterance utterance)
    {
        var now = _time.GetUtcNow();
        var startMs = utterance.StartedAt is { } start ? MediaMs(start) : MediaMs(now);
        Record(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "agent",
            Text = AgentText(utterance.ItemId),
            StartMs = startMs,
            EndMs = utterance.StartedAt is null ? startMs : MediaMs(utterance.StartedAt.Value + utterance.Gap) + utterance.SentMs,
            ItemId = utterance.ItemId,
            SentMs = utterance.SentMs,
            ReceivedMs = utterance.ReceivedMs,
            Engine = _engine.Name,
            At = now,
        });
        ForgetAgentText(utterance.ItemId);
    }

    private async Task PostGreetingAsync(Task<GreetingAudio?> load)
    {
        try
        {
            if (await load.ConfigureAwait(false) is { } audio)
            {
                _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.Engine, new GreetingReady(audio)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void QueueGreeting(GreetingAudio greeting)
    {
        var playout = _playout!;
        if (!playout.IsIdle || playout.FramesSent > 0)
        {
            return; // The engine already speaks: a greeting now would talk over it.
        }

        // The greeting was loaded at the leg's format. ReceivedMs is counted in the engine's format: express its length so.
        var pcm = greeting.Pcm;
        var engineBytes = (int)((long)pcm.Length * _engine.AudioFormat.SampleRate / greeting.Format.SampleRate) & ~1;
        playout.Append(GreetingReady.ItemId, GreetingReady.ItemId, 0, engineBytes, pcm);
        playout.CompleteResponse(GreetingReady.ItemId);
        _agentTranscripts[GreetingReady.ItemId] = greeting.Text;
    }

    private string? AgentText(string itemId) =>
        _agentTranscripts.TryGetValue(itemId, out var done) ? done
        : _agentText.TryGetValue(itemId, out var partial) ? partial.ToString()
        : null;

    private void ForgetAgentText(string itemId)
    {
        _agentTranscripts.Remove(itemId);
        _agentText.Remove(itemId);
    }

    private long MediaMs(DateTimeOffset at) => Math.Max(0, (long)(at - _startedAt).TotalMilliseconds);

    private void ReleaseBarriers()
    {
        foreach (var barrier in _barriers)
        {
            barrier.TrySetResult();
        }

        _barriers.Clear();
    }

    private async Task EndAsync()
    {
        _messages.Writer.TryComplete();
        while (_messages.Reader.TryRead(out var message))
        {
            if (message.Kind == LoopMessageKind.Barrier)
            {
                ((TaskCompletionSource)message.Payload!).TrySetResult();
            }
        }

        ReleaseBarriers();
        foreach (var utterance in _awaitingTranscript.Values)
        {
            RecordAgentTurn(utterance);
        }

        _awaitingTranscript.Clear();
        if (Cost is { Usage.Responses: > 0 } || Cost?.TotalUsd > 0)
        {
            Record(new CallRecordEntry { Kind = "cost", CostUsd = Cost.TotalUsd, Usage = Cost.Usage, Engine = _engine.Name, At = _time.GetUtcNow() });
        }

        _playout?.Dispose();
        if (_agentScratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_agentScratch);
            _agentScratch = null;
        }

        LogCallEnded(_callId, _endReason ?? CallEndReason.Cancelled, _playout?.FramesSent ?? 0);

        if (_endReason == CallEndReason.AgentEnded)
        {
            try
            {
                using var hangUpTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _callControl.HangUpAsync(_callId, EndCallToolHandler.ToolName, hangUpTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogCleanupFailed(ex, _callId, "hang-up");
            }
        }

        await DisposeQuietlyAsync(_engine, "engine").ConfigureAwait(false);
        await DisposeQuietlyAsync(_leg, "leg").ConfigureAwait(false);
        await _records.CompleteAsync(_options.RecordFlushTimeout).ConfigureAwait(false);
        await _records.DisposeAsync().ConfigureAwait(false);
        Observer?.OnCompleted(_endReason ?? CallEndReason.Cancelled);
    }

    private async ValueTask DisposeQuietlyAsync(IAsyncDisposable disposable, string what)
    {
        try
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogCleanupFailed(ex, _callId, what);
        }
    }

    private enum LoopMessageKind
    {
        Engine,
        Tick,
        ToolCompleted,
        LegClosed,
        EngineEnded,
        Barrier,
        Cancelled,
        Interrupt,
        UserText,
    }

    /// <summary>One message for the control task; <paramref name="Timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>) is when it arose, where that matters.</summary>
    private readonly record struct LoopMessage(LoopMessageKind Kind, object? Payload = null, long Timestamp = 0)
    {
        public static LoopMessage Tick => new(LoopMessageKind.Tick);

        public static LoopMessage LegClosed => new(LoopMessageKind.LegClosed);

        public static LoopMessage EngineEnded => new(LoopMessageKind.EngineEnded);

        public static LoopMessage Cancelled => new(LoopMessageKind.Cancelled);
    }

    private sealed record ToolOutcome(ToolCallRequested Request, CallToolResult Result, TimeSpan Duration, bool Failed);
}
