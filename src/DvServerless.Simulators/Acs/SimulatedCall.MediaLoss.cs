namespace DvServerless.Simulators.Acs;

// Media loss: the app's end of the media WebSocket goes away without a close handshake while the call is up (the media
// worker was killed, its node died). ACS reports it with MediaStreamingFailed (mediaStreamingStatusDetails
// streamConnectionInterrupted, a value of the spec's MediaStreamingStatusDetails) and, the call having no media left,
// ends it: CallDisconnected follows from the end of RunAsync.
public sealed partial class SimulatedCall
{
    /// <summary>The CallDisconnected sub-code the end of a call that lost its media carries.</summary>
    private const int MediaLostSubCode = 5001;

    /// <summary>
    /// The media socket failed under the call (<paramref name="error"/> says how). Nothing happens when the call has ended
    /// already or the app stopped media streaming itself.
    /// </summary>
    internal void OnMediaLost(string error)
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted || _mediaStopped || _answer is null)
            {
                return;
            }

            _subscriptionState = "inactive";
            // The spec gives no result code for this case; 500, as for the initial connection failure.
            Post("MediaStreamingFailed", _answer.CallbackUri, null, (500, 0, "Media streaming WebSocket connection interrupted."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingFailed", "streamConnectionInterrupted"));
        }

        Note("media lost: " + error);
        _ended.TrySetResult((SimulatedCallOutcome.MediaLost, MediaLostSubCode));
    }
}
