using DvServerless.Core.Calls;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Fails the calls that were never answered and never will be: a session still <c>Ringing</c> or <c>Answering</c>, with no
/// call connection, not written for <see cref="FunctionsOptions.UnansweredAfter"/>. Such a session is left when storage
/// goes silent just after a delivery decided to answer (the decision landed, the answer was never sent, and every
/// redelivery finds the call decided), or when every delivery of a new call failed. The caller has long heard the call
/// ring out; the session would otherwise read as a live call and hold its tenant's slot for hours.
/// </summary>
/// <remarks>
/// <para>Cost: one listing of the open-session index per run, and one read and write per stranded session only.</para>
/// <para>
/// Safe against a late answer: the threshold is never shorter than a media token's lifetime plus a minute, so any answer
/// still in flight (bounded by the ACS client's retries, under two minutes) could no longer connect media. The move is
/// made on the document, conditionally, after checking it again: a session that moved meanwhile is left alone. Runs of two
/// instances at once each fail a session at most once between them.
/// </para>
/// </remarks>
public sealed partial class UnansweredCallSweep
{
    /// <summary>The end reason written on a swept session.</summary>
    public const string Reason = "Never answered: no answer or media connection was recorded for the call";

    private static readonly TimeSpan TokenMargin = TimeSpan.FromMinutes(1);

    private readonly ICallSessionQuery _query;
    private readonly ICallSessionStore _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger<UnansweredCallSweep> _logger;

    /// <summary>Creates the sweep.</summary>
    public UnansweredCallSweep(ICallSessionQuery query, ICallSessionStore sessions, IOptions<FunctionsOptions> functions, IOptions<MediaWorkerOptions> mediaWorker,
        TimeProvider time, ILogger<UnansweredCallSweep> logger)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(mediaWorker);
        _query = query;
        _sessions = sessions;
        _time = time;
        _logger = logger;
        var tokenBound = mediaWorker.Value.TokenLifetime + TokenMargin;
        After = functions.Value.UnansweredAfter > tokenBound ? functions.Value.UnansweredAfter : tokenBound;
    }

    /// <summary>How long a session must have sat unanswered before a run fails it.</summary>
    public TimeSpan After { get; }

    /// <summary>One run: fails every stranded session; returns how many it failed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cutoff = now - After;
        var failed = 0;
        await foreach (var open in _query.ListOpenAsync(cancellationToken).ConfigureAwait(false))
        {
            if (open.State is not (CallState.Ringing or CallState.Answering) || open.LastWritten > cutoff)
            {
                continue;
            }

            try
            {
                if (await TryFailAsync(open.CallId, cutoff, now, cancellationToken).ConfigureAwait(false))
                {
                    failed++;
                    LogFailed(open.CallId, open.State, (int)After.TotalMinutes);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One session that cannot be read or written (storage flaky) must not stop the others; the next run tries again.
                LogSessionFailed(open.CallId, e.GetType().Name, e.Message);
            }
        }

        return failed;
    }

    private async Task<bool> TryFailAsync(string callId, DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var applied = false;
        await _sessions.UpdateAsync(
            callId,
            s =>
            {
                // Checked on the document: the index may be behind, and the session may have moved since the listing.
                applied = IsStranded(s, cutoff) && CallStateMachine.TryMoveTo(s, CallState.Failed, now, Reason) == CallTransitionResult.Applied;
                return applied;
            },
            cancellationToken).ConfigureAwait(false);
        return applied;
    }

    /// <summary>
    /// Whether <paramref name="session"/> is a call that was never answered and has not been touched since
    /// <paramref name="cutoff"/>: <c>Ringing</c> or <c>Answering</c>, with no call connection (an answered ACS call has one)
    /// and no worker queue (a worker that took the call's media records its queue): a call that did connect while every
    /// write saying so failed is not taken for one that never rang through.
    /// </summary>
    private static bool IsStranded(CallSession session, DateTimeOffset cutoff) =>
        session.State is CallState.Ringing or CallState.Answering
            && session.CallConnectionId is null
            && session.WorkerQueue is null
            && session.UpdatedAt <= cutoff;

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning,
        Message = "Call {CallId} sat {State} with no answer for over {Minutes} min; its session is failed and its tenant's slot freed.")]
    private partial void LogFailed(string callId, CallState state, int minutes);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "The unanswered-call sweep could not check call {CallId} ({ErrorType}): {ErrorMessage}; the next run tries again.")]
    private partial void LogSessionFailed(string callId, string errorType, string errorMessage);
}
