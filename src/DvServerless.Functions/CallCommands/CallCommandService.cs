using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Tenants;

namespace DvServerless.Functions.CallCommands;

/// <summary>
/// The rules of the call command APIs for an authenticated caller: whose call it is, whether it is live, what the text
/// may be; then the worker through <see cref="ICallCommandClient"/>.
/// </summary>
/// <remarks>
/// Another tenant's session answers exactly like an unknown one (<see cref="CallCommandOutcome.NotFound"/>), though the
/// attempt is still audited as <c>cross_tenant_attempt</c>: a command API must not confirm that someone else's call exists.
/// </remarks>
public sealed partial class CallCommandService
{
    /// <summary>How many of a tenant's newest sessions a broadcast looks through for live ones.</summary>
    public const int BroadcastScanLimit = 1000;

    private readonly ICallSessionStore _store;
    private readonly ICallSessionQuery _query;
    private readonly ICallCommandClient _worker;
    private readonly ITenantContext _tenant;
    private readonly ILogger<CallCommandService> _logger;

    /// <summary>Creates the service (scoped: it reports cross-tenant attempts to the request's <see cref="ITenantContext"/>).</summary>
    public CallCommandService(ICallSessionStore store, ICallSessionQuery query, ICallCommandClient worker, ITenantContext tenant, ILogger<CallCommandService> logger)
    {
        _store = store;
        _query = query;
        _worker = worker;
        _tenant = tenant;
        _logger = logger;
    }

    /// <summary>Turns comfort noise on or off for the live call <paramref name="id"/>.</summary>
    public Task<(CallCommandOutcome Outcome, string? Message)> ComfortAsync(string id, bool on, CancellationToken cancellationToken) =>
        SendToOneAsync(id, new CallCommand(on ? CallCommandKind.ComfortStart : CallCommandKind.ComfortStop), cancellationToken);

    /// <summary>Speaks <paramref name="request"/> into the live call <paramref name="id"/>.</summary>
    public async Task<(CallCommandOutcome Outcome, string? Message)> SayAsync(string id, SayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (InjectedSpeechRules.Problem(request.Text, request.Voice) is { } problem)
        {
            return (CallCommandOutcome.Invalid, problem);
        }

        return await SendToOneAsync(id, SayOf(request), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Speaks <paramref name="request"/> into every live call of the caller's tenant (an admin names it in <paramref name="tenant"/>).</summary>
    public async Task<(CallCommandOutcome Outcome, string? Message, SayToAllReply? Reply)> SayToAllAsync(TenantCaller caller, string? tenant, SayRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (InjectedSpeechRules.Problem(request.Text, request.Voice) is { } problem)
        {
            return (CallCommandOutcome.Invalid, problem, null);
        }

        var scope = caller.IsAdmin ? tenant : caller.TenantId;
        if (scope is null || !TenantIds.IsValid(scope) || (tenant is not null && tenant != scope))
        {
            return (CallCommandOutcome.Invalid, caller.IsAdmin ? "An admin names the tenant: ?tenant=<id>." : "You may speak only into your own tenant's calls.", null);
        }

        var sessions = await _query.ListAsync(scope, BroadcastScanLimit, cancellationToken).ConfigureAwait(false);
        var live = sessions.Where(s => s.State == CallState.Connected).ToArray();
        var command = SayOf(request);
        var answers = await Task.WhenAll(live.Select(s => _worker.SendAsync(s, command, cancellationToken))).ConfigureAwait(false);
        var reached = 0;
        for (var i = 0; i < answers.Length; i++)
        {
            if (answers[i].Result == CallCommandResult.Done)
            {
                reached++;
            }
            else if (answers[i].Result != CallCommandResult.NotLive)
            {
                LogCommandFailed(live[i].CallId, command.Action, answers[i].Detail);
            }
        }

        LogBroadcast(scope, reached, live.Length);
        return (CallCommandOutcome.Ok, null, new SayToAllReply(reached, live.Length));
    }

    private static CallCommand SayOf(SayRequest request) =>
        new(CallCommandKind.Say, Text: request.Text!.Trim(), Voice: string.IsNullOrWhiteSpace(request.Voice) ? null : request.Voice, Interrupt: request.Interrupt ?? false);

    private async Task<(CallCommandOutcome, string?)> SendToOneAsync(string id, CallCommand command, CancellationToken cancellationToken)
    {
        var session = CallIdFormat.IsValid(id) ? await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) : null;
        if (session is null || !_tenant.TryAccess(session.TenantId))
        {
            return (CallCommandOutcome.NotFound, "No such session.");
        }

        if (session.State != CallState.Connected)
        {
            return (CallCommandOutcome.NotLive, $"The call is not live (it is {session.State.ToString().ToLowerInvariant()}).");
        }

        var answer = await _worker.SendAsync(session, command, cancellationToken).ConfigureAwait(false);
        switch (answer.Result)
        {
            case CallCommandResult.Done:
                LogCommand(session.CallId, command.Action);
                return (CallCommandOutcome.Ok, null);
            case CallCommandResult.NotLive:
            case CallCommandResult.NotSupported:
                return (CallCommandOutcome.NotLive, "No media worker runs this call's audio (a SIP or WebRTC call, or it just ended).");
            case CallCommandResult.Unavailable:
                return (CallCommandOutcome.Unavailable, "Speech cannot be made right now; try again shortly.");
            default:
                LogCommandFailed(session.CallId, command.Action, answer.Detail);
                return (CallCommandOutcome.UpstreamFailed, "The media worker did not carry the command out; see the gateway's log.");
        }
    }

    [LoggerMessage(EventId = 8420, Level = LogLevel.Information, Message = "Call {CallId}: {Command} sent to the media worker")]
    private partial void LogCommand(string callId, string command);

    [LoggerMessage(EventId = 8421, Level = LogLevel.Warning, Message = "Call {CallId}: {Command} failed at the media worker: {Detail}")]
    private partial void LogCommandFailed(string callId, string command, string detail);

    [LoggerMessage(EventId = 8422, Level = LogLevel.Information, Message = "Tenant {TenantId}: say reached {Reached} of {Live} live calls")]
    private partial void LogBroadcast(string tenantId, int reached, int live);
}
