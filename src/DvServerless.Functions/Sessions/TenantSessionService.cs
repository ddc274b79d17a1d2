using DvServerless.Adapters.Acs;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Tenants;

namespace DvServerless.Functions.Sessions;

/// <summary>
/// The rules of the sessions API, for an authenticated caller: who sees which session, how metadata merges, and how a call
/// is hung up on its own channel.
/// </summary>
/// <remarks>
/// Existence rule: an id that does not exist (or is malformed) is <see cref="SessionOutcome.NotFound"/> for every caller; an
/// existing session of another tenant is <see cref="SessionOutcome.Forbidden"/> and audited as <c>cross_tenant_attempt</c>.
/// So an authenticated tenant can learn that a foreign call id exists — call ids are unguessable (derived from ACS's server
/// call id or OpenAI's call id), and every such probe lands in the audit log. Unauthenticated callers are refused before
/// any lookup, so they learn nothing.
/// </remarks>
public sealed partial class TenantSessionService
{
    /// <summary>The default page size of a listing.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page size of a listing.</summary>
    public const int MaxLimit = 1000;

    private readonly ICallSessionStore _store;
    private readonly ICallSessionQuery _query;
    private readonly ICallAutomationClient _acs;
    private readonly IRealtimeCallControl? _sip;
    private readonly ITenantContext _tenant;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantSessionService> _logger;

    /// <summary>Creates the service (scoped: it reports cross-tenant attempts to the request's <see cref="ITenantContext"/>).</summary>
    public TenantSessionService(ICallSessionStore store, ICallSessionQuery query, ICallAutomationClient acs, IServiceProvider services,
        ITenantContext tenant, TimeProvider time, ILogger<TenantSessionService> logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        _store = store;
        _query = query;
        _acs = acs;
        _sip = services.GetService<IRealtimeCallControl>();
        _tenant = tenant;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The sessions <paramref name="caller"/> may list, newest first: its own tenant's, or for the admin all of them or those
    /// of <paramref name="tenant"/>. Sessions is null, with the outcome and the reason, when the request is refused.
    /// </summary>
    public async Task<(IReadOnlyList<CallSession>? Sessions, SessionOutcome Outcome, string? Error)> ListAsync(
        TenantCaller caller, string? tenant, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (limit is < 1 or > MaxLimit)
        {
            return (null, SessionOutcome.Invalid, $"limit must be between 1 and {MaxLimit}.");
        }

        if (tenant is not null)
        {
            if (!TenantIds.IsValid(tenant))
            {
                return (null, SessionOutcome.Invalid, "A tenant id is 1–64 letters, digits, '-' or '_'.");
            }

            if (!_tenant.TryAccess(tenant))
            {
                return (null, SessionOutcome.Forbidden, "You may list only your own tenant's sessions.");
            }
        }

        var scope = tenant ?? (caller.IsAdmin ? null : caller.TenantId);
        return (await _query.ListAsync(scope, limit ?? DefaultLimit, cancellationToken).ConfigureAwait(false), SessionOutcome.Ok, null);
    }

    /// <summary>One session the caller may see.</summary>
    public async Task<SessionResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        var session = CallIdFormat.IsValid(id) ? await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) : null;
        if (session is null)
        {
            return SessionResult.Refused(SessionOutcome.NotFound, "No such session.");
        }

        return _tenant.TryAccess(session.TenantId)
            ? SessionResult.Of(session)
            : SessionResult.Refused(SessionOutcome.Forbidden, "This session belongs to another tenant.");
    }

    /// <summary>Merges <paramref name="patch"/> into the session's metadata (ETag-guarded, so concurrent patches both apply).</summary>
    public async Task<SessionResult> UpdateMetadataAsync(string id, SessionMetadataPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var loaded = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (loaded.Session is null)
        {
            return loaded;
        }

        var overLimit = false;
        var updated = await _store.UpdateAsync(loaded.Session.CallId, s =>
        {
            overLimit = !patch.TryApplyTo(s.Metadata);
            if (overLimit)
            {
                return false;
            }

            s.UpdatedAt = _time.GetUtcNow();
            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (overLimit)
        {
            return SessionResult.Refused(SessionOutcome.Invalid,
                $"A session keeps at most {SessionMetadataLimits.MaxEntries} metadata entries; remove some with null values.");
        }

        return updated is null ? SessionResult.Refused(SessionOutcome.NotFound, "No such session.") : SessionResult.Of(updated);
    }

    /// <summary>
    /// Hangs the call up through its own channel (ACS Call Automation, or the Realtime call-control API for SIP) and moves the
    /// session to <c>Ending</c>; the channel's end event then ends it.
    /// </summary>
    public async Task<SessionResult> HangUpAsync(string id, CancellationToken cancellationToken)
    {
        var loaded = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (loaded.Session is not { } session)
        {
            return loaded;
        }

        if (CallStateMachine.IsFinal(session.State))
        {
            return SessionResult.Refused(SessionOutcome.Conflict, "The call is already over.");
        }

        switch (session.Channel)
        {
            case CallChannel.Acs when session.CallConnectionId is null:
                return SessionResult.Refused(SessionOutcome.Conflict, "The call has no ACS call connection yet; try again once it is answered.");
            case CallChannel.Acs:
                try
                {
                    await _acs.HangUpAsync(session.CallConnectionId, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogHangUpRefused(session.CallId, "ACS", e.Message);
                    return SessionResult.Refused(SessionOutcome.UpstreamFailed, "ACS refused the hang-up; see the gateway's log.");
                }

                break;
            case CallChannel.Sip when _sip is not null:
                // The SIP path stores the OpenAI call id as the session's call connection.
                var result = await _sip.HangUpAsync(session.CallConnectionId ?? session.CallId, cancellationToken).ConfigureAwait(false);
                if (!result.IsOk && result.Outcome != RealtimeCallControlOutcome.CallGone)
                {
                    LogHangUpRefused(session.CallId, "Realtime API", result.Message ?? result.Outcome.ToString());
                    return SessionResult.Refused(SessionOutcome.UpstreamFailed, "The Realtime API refused the hang-up; see the gateway's log.");
                }

                break;
            default:
                return SessionResult.Refused(SessionOutcome.Conflict,
                    "This deployment cannot hang up " + session.Channel.ToString().ToLowerInvariant() + " calls.");
        }

        var updated = await _store.UpdateAsync(session.CallId,
            s => CallStateMachine.TryMoveTo(s, CallState.Ending, _time.GetUtcNow(), "hang-up requested through the API") == CallTransitionResult.Applied,
            CancellationToken.None).ConfigureAwait(false);
        return SessionResult.Of(updated ?? session);
    }

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Hang-up of {CallId} refused by the {Upstream}: {Reason}")]
    private partial void LogHangUpRefused(string callId, string upstream, string reason);
}
