using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Speech.OpenAI;

/// <summary>
/// One Realtime transcription session as a recognition. Server VAD does the endpointing: <c>speech_started</c> is the
/// barge-in cue, each committed item's <c>…input_audio_transcription.delta</c>s are partials and its <c>.completed</c>
/// is the final of a turn (<c>EndOfTurn: true</c>, the VAD heard the silence). <see cref="CompleteAsync"/> commits the
/// speech in progress, waits for the transcriptions still owed, then ends the events.
/// </summary>
internal sealed class RealtimeTranscriptionSession : ISpeechRecognition
{
    private readonly OpenAIRealtimeConnection _connection;
    private readonly string _callId;
    private readonly bool _partials;
    private readonly TimeProvider _time;
    private readonly TimeSpan _completeTimeout;
    private readonly ILogger _logger;
    private readonly Channel<SpeechRecognitionEvent> _events =
        Channel.CreateUnbounded<SpeechRecognitionEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly RealtimeTranscriptionFrames _frames = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TranscriptionItem> _items = [];
    private readonly HashSet<string> _pending = [];
    private Task _receiveLoop = Task.CompletedTask;
    private Task? _completion;
    private bool _speechOpen;
    private bool _completing;
    private bool _awaitingCommit;

    private RealtimeTranscriptionSession(
        OpenAIRealtimeConnection connection, string callId, bool partials, TimeProvider time, TimeSpan completeTimeout, ILogger logger)
    {
        _connection = connection;
        _callId = callId;
        _partials = partials;
        _time = time;
        _completeTimeout = completeTimeout;
        _logger = logger;
    }

    /// <summary>
    /// Configures the session on <paramref name="connection"/> and waits for <c>session.updated</c>; an <c>error</c>
    /// instead (a bad model, a refused field) fails the start.
    /// </summary>
    public static async Task<RealtimeTranscriptionSession> StartAsync(
        OpenAIRealtimeConnection connection, string model, SpeechRecognitionOptions options, RealtimeTranscriptionOptions settings,
        TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var session = new RealtimeTranscriptionSession(connection, options.CallId, options.InterimResults, time, settings.CompleteTimeout, logger);
        session._receiveLoop = Task.Run(session.ReceiveAsync, CancellationToken.None);
        try
        {
            await session.SendAsync(static (f, s) => f.WriteSessionUpdate(s.model, s.options, s.settings), (model, options, settings), cancellationToken)
                .ConfigureAwait(false);
            await session._ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _completion) is not null)
        {
            throw new InvalidOperationException("The recognition was completed; no more audio can be sent.");
        }

        if (!audio.IsEmpty)
        {
            await SendAsync(static (f, a) => f.WriteAppend(a.Span), audio, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_completing)
            {
                return;
            }

            // Only the server knows whether speech is in progress (its speech_started may still be on the way), so
            // the buffer is always committed: speech in it gets transcribed, and an empty buffer is refused with
            // input_audio_buffer_commit_empty. Either answer settles the commit.
            _completing = true;
            _awaitingCommit = true;
        }

        try
        {
            await SendAsync(static (f, _) => f.WriteCommit(), 0, cancellationToken).ConfigureAwait(false);
        }
        catch (SpeechToTextException)
        {
            lock (_gate)
            {
                _awaitingCommit = false;
                CheckDrained();
            }
        }

        _completion = FinishAsync();
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SpeechRecognitionEvent> ReadEventsAsync(CancellationToken cancellationToken) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _completion, _completion ?? Task.CompletedTask);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _events.Writer.TryComplete();
        _frames.Dispose();
        _sendLock.Dispose();
        _lifetime.Dispose();
    }

    private async Task FinishAsync()
    {
        try
        {
            await _drained.Task.WaitAsync(_completeTimeout, _time, _lifetime.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A transcription never came; the events end without it rather than hang the call's end.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _events.Writer.TryComplete();
        await _lifetime.CancelAsync().ConfigureAwait(false);
    }

    private async Task SendAsync<TState>(Action<RealtimeTranscriptionFrames, TState> write, TState state, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            write(_frames, state);
            await _connection.SendAsync(_frames.Written, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            throw new SpeechToTextException("openai", "The transcription session is closed.", ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        try
        {
            await foreach (var frame in _connection.ReceiveAsync(_lifetime.Token).ConfigureAwait(false))
            {
                Handle(frame);
            }

            OnClosed();
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Completed or disposed.
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or System.ClientModel.ClientResultException)
        {
            RealtimeTranscriptionLog.ConnectionFailed(_logger, _callId, ex);
            Fail("The transcription connection was lost: " + ex.Message);
        }
        finally
        {
            _ready.TrySetException(new SpeechToTextException("openai", "The transcription session closed before it was configured."));
            _drained.TrySetResult();
            _events.Writer.TryComplete();
        }
    }

    private void Handle(ReadOnlyMemory<byte> frame)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException ex)
        {
            RealtimeTranscriptionLog.BadFrame(_logger, _callId, ex);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var itemId = Text(root, "item_id") ?? "";
            lock (_gate)
            {
                switch (Text(root, "type"))
                {
                    case "session.updated":
                        _ready.TrySetResult();
                        break;
                    case "input_audio_buffer.speech_started":
                        _speechOpen = true;
                        var start = Milliseconds(root, "audio_start_ms");
                        Item(itemId).Start = start;
                        Item(itemId).HeardSpeech = true;
                        _events.Writer.TryWrite(new SpeechStarted(start));
                        break;
                    case "input_audio_buffer.speech_stopped":
                        Item(itemId).End = Milliseconds(root, "audio_end_ms");
                        break;
                    case "input_audio_buffer.committed":
                        _speechOpen = false;
                        _awaitingCommit = false;
                        _pending.Add(itemId);
                        break;
                    case "conversation.item.input_audio_transcription.delta":
                        var item = Item(itemId);
                        item.Text.Append(Text(root, "delta"));
                        if (_partials && item.Text.Length > 0)
                        {
                            _events.Writer.TryWrite(new SpeechPartial(item.Text.ToString().Trim()));
                        }

                        break;
                    case "conversation.item.input_audio_transcription.completed":
                        var done = Item(itemId);
                        var transcript = (Text(root, "transcript") ?? "").Trim();
                        // A final commit of the silence after the last turn transcribes to nothing: not a turn.
                        if (transcript.Length > 0 || done.HeardSpeech)
                        {
                            _events.Writer.TryWrite(new SpeechFinal(transcript, done.Start, done.End ?? done.Start, EndOfTurn: true, Confidence(root)));
                        }

                        Forget(itemId);
                        break;
                    case "conversation.item.input_audio_transcription.failed":
                        var reason = root.TryGetProperty("error", out var failure) ? Text(failure, "message") : null;
                        _events.Writer.TryWrite(new SpeechRecognitionError("Transcription failed: " + (reason ?? "unknown reason"), Fatal: false));
                        Forget(itemId);
                        break;
                    case "error":
                        OnError(root);
                        break;
                }

                CheckDrained();
            }
        }
    }

    private void OnError(JsonElement root)
    {
        var error = root.TryGetProperty("error", out var e) ? e : default;
        var code = error.ValueKind == JsonValueKind.Object ? Text(error, "code") : null;
        var message = (error.ValueKind == JsonValueKind.Object ? Text(error, "message") : null) ?? "unknown error";
        RealtimeTranscriptionLog.ServerError(_logger, _callId, code, message);
        if (!_ready.Task.IsCompleted)
        {
            _ready.TrySetException(new SpeechToTextException("openai", "The transcription session was refused: " + message));
        }
        else if (_awaitingCommit)
        {
            // The answer to the closing commit (usually input_audio_buffer_commit_empty: nothing left to transcribe).
            _awaitingCommit = false;
        }
        else
        {
            _events.Writer.TryWrite(new SpeechRecognitionError(message, Fatal: false));
        }
    }

    private void OnClosed()
    {
        var status = _connection.CloseStatus;
        RealtimeTranscriptionLog.Closed(_logger, _callId, status, _connection.CloseStatusDescription);
        if (status is not (WebSocketCloseStatus.NormalClosure or null) && !_lifetime.IsCancellationRequested)
        {
            Fail($"The transcription session closed: {(int)status.Value} {_connection.CloseStatusDescription}".TrimEnd());
        }
    }

    private void Fail(string message) => _events.Writer.TryWrite(new SpeechRecognitionError(message, Fatal: true));

    private void CheckDrained()
    {
        if (_completing && !_awaitingCommit && !_speechOpen && _pending.Count == 0)
        {
            _drained.TrySetResult();
        }
    }

    private TranscriptionItem Item(string id)
    {
        if (!_items.TryGetValue(id, out var item))
        {
            _items[id] = item = new TranscriptionItem();
        }

        return item;
    }

    private void Forget(string id)
    {
        _items.Remove(id);
        _pending.Remove(id);
    }

    /// <summary>exp(mean log probability) of the transcript's tokens, when logprobs came; else null.</summary>
    private static double? Confidence(JsonElement root)
    {
        if (!root.TryGetProperty("logprobs", out var logprobs) || logprobs.ValueKind != JsonValueKind.Array || logprobs.GetArrayLength() == 0)
        {
            return null;
        }

        var values = logprobs.EnumerateArray()
            .Where(p => p.TryGetProperty("logprob", out var v) && v.ValueKind == JsonValueKind.Number)
            .Select(p => p.GetProperty("logprob").GetDouble())
            .ToList();
        return values.Count == 0 ? null : Math.Exp(values.Average());
    }

    private static TimeSpan Milliseconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? TimeSpan.FromMilliseconds(value.GetDouble()) : TimeSpan.Zero;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>What is known of one caller item: where its speech lies and the text so far.</summary>
    private sealed class TranscriptionItem
    {
        public TimeSpan Start { get; set; }

        public TimeSpan? End { get; set; }

        public bool HeardSpeech { get; set; }

        public StringBuilder Text { get; } = new();
    }
}
