using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Calls;

/// <summary>
/// Places one simulated ACS phone call on a running local stack and summarises it: what <c>dvs call</c> does on the
/// stack it starts, and what <c>dvs up</c> does when <c>dvs call --stack</c> asks it for a call.
/// </summary>
public static class AcsStackCall
{
    /// <summary>The simulated caller hangs up once the agent has been quiet this long (a real model can take a second or two).</summary>
    public static readonly TimeSpan HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Dials the stack's <c>IncomingCall</c> webhook as the ACS simulator's caller, speaks <paramref name="callerPcm"/>,
    /// waits for the call and its session to end, and joins what both ends saw into a <see cref="CallSummary"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing answered the call.</exception>
    public static async Task<(CallSummary Summary, SimulatedCallResult Result)> RunAsync(LocalStack.LocalStack stack, ReadOnlyMemory<byte> callerPcm,
        AudioFormat callerFormat, TimeSpan maxDuration, Action<string> progress, CancellationToken cancellationToken,
        IReadOnlyList<SimulatedKeypress>? keypresses = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(progress);
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = callerPcm,
            CallerAudioFormat = callerFormat,
            MaxDuration = maxDuration,
            HangUpAfterAgentQuiet = HangUpAfterAgentQuiet,
            Keypresses = keypresses ?? [],
        }, cancellationToken).ConfigureAwait(false);
        var progressTask = ShowProgressAsync(call, progress, cancellationToken);
        var result = await call.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        await progressTask.ConfigureAwait(false);

        var callId = CallIdFromCallbacks(result)
            ?? throw new InvalidOperationException($"The call was never answered ({result.Outcome}); no callback URI reached the ACS simulator.");
        var session = await CallSessionPolling.WaitForFinalStateAsync(stack.Sessions, callId, cancellationToken).ConfigureAwait(false);
        var records = await stack.Records.ReadAsync(callId, cancellationToken).ConfigureAwait(false);
        return (CallSummaryBuilder.Build(callId, stack, result, session, records, agentWav: null), result);
    }

    private static async Task ShowProgressAsync(SimulatedCall call, Action<string> progress, CancellationToken cancellationToken)
    {
        await foreach (var note in call.ReadProgressAsync(cancellationToken).ConfigureAwait(false))
        {
            progress(note.Note);
        }
    }

    private static string? CallIdFromCallbacks(SimulatedCallResult result)
    {
        var callback = result.Callbacks.Count > 0 ? result.Callbacks[0] : null;
        return callback is null ? null : Uri.UnescapeDataString(callback.Uri.Segments[^1].TrimEnd('/'));
    }
}
