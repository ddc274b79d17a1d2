using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// The media streaming of one simulated call: starting and stopping it (at answer, on CallConnected or by the app's
/// start/stopMediaStreaming), the <see cref="AcsMediaSession"/> that runs it with the caller's audio, the caller's
/// playout of the app's audio, and the MediaStreaming* callbacks for a connect, a failed connect and a lost socket.
/// </summary>
internal sealed class SimulatedCallMedia : IDisposable
{
    /// <summary>The CallDisconnected sub-code the end of a call that lost its media carries.</summary>
    private const int MediaLostSubCode = 5001;

    private readonly SimulatedCall _owner;
    private readonly SimulatedCallContext _call;
    private readonly CancellationTokenSource _stop = new();
    private readonly ReadOnlyMemory<byte> _callerPcm;
    private readonly AudioFormat _callerFormat;
    private Task? _task;

    public SimulatedCallMedia(SimulatedCall owner, SimulatedCallContext call)
    {
        _owner = owner;
        _call = call;
        var request = call.Request;
        (_callerPcm, _callerFormat) = request.CallerWavPath is not null
            ? CallerSpeech.ReadWav(File.ReadAllBytes(request.CallerWavPath))
            : (request.CallerAudio, request.CallerAudioFormat);
    }

    /// <summary>True once the app stopped media streaming.</summary>
    public bool StoppedByApp { get; private set; }

    /// <summary>True once streaming started (and until the call ends). Under the call's lock.</summary>
    public bool IsStarted => _task is not null;

    /// <summary>The caller's playout of the app's audio, once streaming started.</summary>
    public AcsPlayoutQueue? Playout { get; private set; }

    /// <summary>Starts the stream. Under the call's lock.</summary>
    public void StartLocked(MediaStreamingSettings media)
    {
        Playout = new AcsPlayoutQueue(media.Format, _call.Request.KeepMediaRecord);
        var session = new AcsMediaSession(_owner, _call.Simulator, _call.Request, media, Playout, CallerSpeech.Convert(_callerPcm, _callerFormat, media.Format));
        _task = Task.Run(() => session.RunAsync(_stop.Token));
    }

    /// <summary>The app's startMediaStreaming.</summary>
    public (int Status, string? Body, string? ErrorCode) Start()
    {
        lock (_call.Gate)
        {
            if (_call.IsEnded)
            {
                return SimulatedCallOperations.Ended();
            }

            if (_call.Answer?.Media is null)
            {
                return (400, AcsEventJson.Error("BadRequest", "The call was answered without mediaStreamingOptions."), "BadRequest");
            }

            if (_task is not null || StoppedByApp)
            {
                return (400, AcsEventJson.Error("BadRequest", "Media streaming has already been started."), "BadRequest");
            }

            if (_call.State == "connected")
            {
                StartLocked(_call.Answer.Media);
            }
            else
            {
                // Started before CallConnected: the answer starts it once connected.
                _call.Answer = _call.Answer with { Media = _call.Answer.Media with { StartMediaStreaming = true } };
            }

            return (202, null, null);
        }
    }

    /// <summary>The app's stopMediaStreaming.</summary>
    public (int Status, string? Body, string? ErrorCode) Stop()
    {
        lock (_call.Gate)
        {
            if (_call.IsEnded)
            {
                return SimulatedCallOperations.Ended();
            }

            if (_task is null || StoppedByApp)
            {
                return (400, AcsEventJson.Error("BadRequest", "Media streaming is not active."), "BadRequest");
            }

            StoppedByApp = true;
            _call.SubscriptionState = "inactive";
            _call.Post("MediaStreamingStopped", _call.Answer!.CallbackUri, null, (200, 0, "Action completed successfully."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingStopped", "subscriptionStopped"));
        }

        _stop.Cancel();
        _call.Note("media streaming stopped by app");
        return (202, null, null);
    }

    /// <summary>The call ended: the stream closes; completes once it has.</summary>
    public async Task EndAsync()
    {
        _stop.Cancel();
        Task? task;
        lock (_call.Gate)
        {
            task = _task;
        }

        if (task is not null)
        {
            await task.ConfigureAwait(false);
        }
    }

    /// <summary>The media WebSocket could not be connected: MediaStreamingFailed, as ACS reports it.</summary>
    public void OnConnectFailed(string error)
    {
        lock (_call.Gate)
        {
            _call.Record.MediaConnectError = error;
            _call.SubscriptionState = "inactive";
            if (!_call.IsEnded)
            {
                _call.Post("MediaStreamingFailed", _call.Answer!.CallbackUri, null, (500, 0, "Initial WebSocket connection failed."),
                    AcsEventJson.MediaStreamingUpdate("mediaStreamingFailed", "initialWebSocketConnectionFailed"));
            }
        }

        _call.Note("media connect failed: " + error);
    }

    /// <summary>The media WebSocket connected: MediaStreamingStarted.</summary>
    public void OnConnected()
    {
        lock (_call.Gate)
        {
            _call.Record.MediaConnected = true;
            _call.Record.MediaStartedAfter = _call.Elapsed;
            _call.SubscriptionState = "active";
            _call.Post("MediaStreamingStarted", _call.Answer!.CallbackUri, null, (200, 0, "Action completed successfully."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingStarted", "subscriptionStarted"));
        }

        _call.Note("media connected");
    }

    /// <summary>
    /// Media loss: the app's end of the media WebSocket went away without a close handshake while the call is up (the
    /// media worker was killed, its node died). ACS reports it with MediaStreamingFailed (mediaStreamingStatusDetails
    /// streamConnectionInterrupted, a value of the spec's MediaStreamingStatusDetails) and, the call having no media
    /// left, ends it: CallDisconnected follows. Nothing happens when the call has ended already or the app stopped
    /// media streaming itself.
    /// </summary>
    public void OnLost(string error)
    {
        lock (_call.Gate)
        {
            if (_call.IsEnded || StoppedByApp || _call.Answer is null)
            {
                return;
            }

            _call.SubscriptionState = "inactive";
            // The spec gives no result code for this case; 500, as for the initial connection failure.
            _call.Post("MediaStreamingFailed", _call.Answer.CallbackUri, null, (500, 0, "Media streaming WebSocket connection interrupted."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingFailed", "streamConnectionInterrupted"));
        }

        _call.Note("media lost: " + error);
        _call.Ended.TrySetResult((SimulatedCallOutcome.MediaLost, MediaLostSubCode));
    }

    /// <summary>Releases the stop source and the playout buffer.</summary>
    public void Dispose()
    {
        _stop.Dispose();
        Playout?.Dispose();
    }
}
