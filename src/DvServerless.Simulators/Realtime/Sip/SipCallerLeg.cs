namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>
/// The caller's side of a connected SIP call: once a sideband has attached it plays the caller's PCM into the call's
/// session in real time (20 ms frames, optionally faster), then keeps the line open with silence — as a phone does —
/// until the agent has been quiet for <see cref="SipCallRequest.HangUpAfterAgentQuiet"/>, and hangs up.
/// </summary>
internal static class SipCallerLeg
{
    private const int FrameMs = 20;
    private const int FrameBytes = FrameMs * 24 * 2;

    public static async Task RunAsync(SipCall call, SipCallRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        var attached = await Task.WhenAny(call.Attached, call.Ended, Task.Delay(request.AttachTimeout, time, cancellationToken))
            .ConfigureAwait(false);
        if (attached != call.Attached)
        {
            call.End(SipCallEnd.CallerHungUp, "nobody attached to the call");
            return;
        }

        var startedAt = time.GetUtcNow();
        await WaitAsync(request.CallerStartDelay, call, time, cancellationToken).ConfigureAwait(false);
        // A caller waits for the greeting to finish before talking (bounded, in case the agent never stops).
        var greetingDeadline = time.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (!call.IsEnded && call.Primary is { IsBusy: true } && time.GetUtcNow() < greetingDeadline)
        {
            await WaitAsync(TimeSpan.FromMilliseconds(FrameMs), call, time, cancellationToken).ConfigureAwait(false);
        }

        var frameTicks = TimeSpan.FromMilliseconds(FrameMs / request.CallerAudioSpeed).Ticks;
        var silence = new byte[FrameBytes];
        var audio = request.CallerAudio;
        var clockStart = time.GetTimestamp();
        var quietSince = time.GetUtcNow();
        for (long frame = 0; !call.IsEnded; frame++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var offset = frame * FrameBytes;
            var playing = offset < audio.Length;
            var chunk = playing ? audio.Span.Slice((int)offset, (int)Math.Min(FrameBytes, audio.Length - offset)) : silence;
            var session = call.Primary;
            session?.PlayCallerAudio(chunk);
            var now = time.GetUtcNow();
            if (playing || session is null || session.IsBusy)
            {
                quietSince = now;
            }
            else if (now - quietSince >= request.HangUpAfterAgentQuiet)
            {
                call.End(SipCallEnd.CallerHungUp, "the caller hung up");
                return;
            }

            if (now - startedAt >= request.MaxCallDuration)
            {
                call.End(SipCallEnd.CallerHungUp, "the caller hung up (maximum call duration)");
                return;
            }

            // Pace against the start so that delays do not accumulate into drift.
            var due = TimeSpan.FromTicks(frameTicks * (frame + 1)) - time.GetElapsedTime(clockStart);
            if (due > TimeSpan.Zero)
            {
                await WaitAsync(due, call, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Task WaitAsync(TimeSpan delay, SipCall call, TimeProvider time, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.WhenAny(Task.Delay(delay, time, cancellationToken), call.Ended);
}
