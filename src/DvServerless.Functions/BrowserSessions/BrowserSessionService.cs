using DvServerless.Adapters.Engines;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Telemetry;
using DvServerless.Functions.Tenants;
using Microsoft.Extensions.Options;

using DvServerless.Functions.CallCommands;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>
/// The rules of browser sessions for an authenticated caller: starting one (validation, the tenant's concurrent-call
/// limit, the session document, the single-use media token), commands for a live one (ownership as in the sessions API,
/// then the media worker), and sessions whose audio runs over the page's own WebRTC connection to OpenAI (a sideband
/// attached as for SIP).
/// </summary>
/// <remarks>
/// Existence rule as in <c>TenantSessionService</c>: an unknown or malformed id is <see cref="VoiceOutcome.NotFound"/> for
/// every caller; another tenant's session is <see cref="VoiceOutcome.Forbidden"/> and audited as <c>cross_tenant_attempt</c>.
/// Session ids are 128 random bits, so learning that one exists is no help.
/// </remarks>
public sealed partial class BrowserSessionService
{
    /// <summary>The prefix of every browser session id.</summary>
    public const string SessionIdPrefix = "web-";

    /// <summary>The user name when the page gives none.</summary>
    public const string DefaultUserName = "guest";

    /// <summary>The longest user name, engine id and segment code, in characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest welcome text, in characters.</summary>
    public const int MaxWelcomeLength = 1000;

    /// <summary>The worker's browser leg path.</summary>
    public const string MediaPath = "/media/browser";

    private readonly ICallSessionStore _store;
    private readonly ICallAdmissionPolicy _admission;
    private readonly ICallCommandClient _worker;
    private readonly ISipWorkerClient _sideband;
    private readonly MediaTokenService _tokens;
    private readonly MediaWorkerOptions _mediaWorker;
    private readonly ITenantContext _tenant;
    private readonly TimeProvider _time;
    private readonly ILogger<BrowserSessionService> _logger;
    private readonly AgentCatalog? _agents;
    private readonly MediaWorkerPool _workers;

    /// <summary>Creates the service (scoped: it reports cross-tenant attempts to the request's <see cref="ITenantContext"/>).</summary>
    public BrowserSessionService(
        ICallSessionStore store, ICallAdmissionPolicy admission, ICallCommandClient worker, ISipWorkerClient sideband, MediaTokenService tokens,
        IOptions<MediaWorkerOptions> mediaWorker, ITenantContext tenant, TimeProvider time, ILogger<BrowserSessionService> logger,
        AgentCatalog? agents = null, MediaWorkerPool? workers = null)
    {
        ArgumentNullException.ThrowIfNull(mediaWorker);
        _workers = workers ?? new MediaWorkerPool(mediaWorker);
        _agents = agents;
        _store = store;
        _admission = admission;
        _worker = worker;
        _sideband = sideband;
        _tokens = tokens;
        _mediaWorker = mediaWorker.Value;
        _tenant = tenant;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether <paramref name="id"/> has the shape of a browser session id: <c>web-</c> and 32 lowercase hex digits.</summary>
    public static bool IsSessionId(string? id) =>
        id is { Length: 36 } && id.StartsWith(SessionIdPrefix, StringComparison.Ordinal)
        && id.AsSpan(SessionIdPrefix.Length).IndexOfAnyExcept(LowercaseHex) < 0;

    private static readonly System.Buffers.SearchValues<char> LowercaseHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The session id of the WebRTC call <paramref name="openAICallId"/>: the same for every attach of one call.</summary>
    public static string SessionIdForWebRtc(string openAICallId) =>
        SessionIdPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(openAICallId)))[..32];

    /// <summary>
    /// Starts a browser session for <paramref name="caller"/>: checks the request and the tenant's concurrent-call limit,
    /// stores the session (<c>Ringing</c>) and mints the media token the page connects with.
    /// </summary>
    public async Task<VoiceResult> StartAsync(TenantCaller caller, VoiceStartRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (Validate(request) is { } problem)
        {
            return VoiceResult.Refused(VoiceOutcome.Invalid, problem);
        }

        if (request.ExpectedEngineId is { } agentId && _agents?.Contains(agentId) != true)
        {
            return VoiceResult.Refused(VoiceOutcome.Invalid,
                $"expected_engine_id '{agentId}' is not a configured agent (configure it as Agents__{agentId}__Instructions, __Voice, …).");
        }

        var sessionId = SessionIdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // The session's trace starts here; the session stores it, so the media worker's loop joins it.
        using var span = FunctionsTracing.StartCall(FunctionsTracing.SessionStartSpan, sessionId, CallChannel.Browser, caller.TenantId);
        var admission = await _admission.AdmitTenantAsync(caller.TenantId, sessionId, cancellationToken).ConfigureAwait(false);
        if (!admission.Admitted)
        {
            LogBusy(sessionId, caller.TenantId ?? "-", admission.ActiveCalls, admission.Limit ?? 0);
            FunctionsTracing.SetResult(span, nameof(VoiceOutcome.Busy));
            return VoiceResult.Refused(VoiceOutcome.Busy, $"The tenant has {admission.ActiveCalls} calls in progress, its limit.");
        }

        var userName = string.IsNullOrWhiteSpace(request.UserName) ? DefaultUserName : request.UserName.Trim();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [BrowserSessionMetadata.UserName] = userName };
        AddIfGiven(metadata, BrowserSessionMetadata.Welcome, request.Welcome);
        // The agent is recorded where every channel records it (CallSessionAgent), for the worker to start the call with.
        AddIfGiven(metadata, CallSessionAgent.MetadataKey, request.ExpectedEngineId);
        AddIfGiven(metadata, BrowserSessionMetadata.SegmentCode, request.SegmentCode);
        if (request.MaxDuration is { } seconds)
        {
            metadata[BrowserSessionMetadata.MaxDuration] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var session = NewSession(sessionId, caller.TenantId, "browser session started through the API", metadata, span);
        if (!await _store.TryCreateAsync(session, cancellationToken).ConfigureAwait(false))
        {
            // 128 random bits do not collide; a clash means something else wrote the id.
            throw new InvalidOperationException("A fresh browser session id already had a session.");
        }

        var token = _tokens.Issue(sessionId, _mediaWorker.TokenLifetime, MediaTokenPurpose.BrowserMedia);
        LogStarted(sessionId, caller.TenantId ?? "-");
        FunctionsTracing.SetResult(span, nameof(VoiceOutcome.Ok));
        return new VoiceResult(VoiceOutcome.Ok, null, session, token, MediaUrl(session.CallId));
    }

    /// <summary>
    /// Sends <paramref name="command"/> to the worker that holds the browser leg of <paramref name="roomName"/>, after
    /// checking the caller owns that session.
    /// </summary>
    public async Task<VoiceResult> CommandAsync(string? roomName, CallCommandKind command, bool? enabled, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(roomName))
        {
            return VoiceResult.Refused(VoiceOutcome.Invalid, "room_name is required (the session id from voice/start).");
        }

        if (command == CallCommandKind.Audio && enabled is null)
        {
            return VoiceResult.Refused(VoiceOutcome.Invalid, "enabled is required: true to hear the caller, false to mute.");
        }

        var session = IsSessionId(roomName) ? await _store.GetAsync(roomName, cancellationToken).ConfigureAwait(false) : null;
        if (session is null)
        {
            return VoiceResult.Refused(VoiceOutcome.NotFound, "No such session.");
        }

        if (!_tenant.TryAccess(session.TenantId))
        {
            return VoiceResult.Refused(VoiceOutcome.Forbidden, "This session belongs to another tenant.");
        }

        if (session.Channel != CallChannel.Browser || session.Metadata.ContainsKey(BrowserSessionMetadata.WebRtc))
        {
            return VoiceResult.Refused(VoiceOutcome.Conflict, "This session has no browser leg on the gateway.");
        }

        if (CallStateMachine.IsFinal(session.State))
        {
            return VoiceResult.Refused(VoiceOutcome.NotLive, "The session is over.");
        }

        // The browser's commands are calls of the general call command path.
        var call = new CallCommand(command, Enabled: command == CallCommandKind.Audio ? enabled : null);
        var answer = await _worker.SendAsync(session, call, cancellationToken).ConfigureAwait(false);
        switch (answer.Result)
        {
            case CallCommandResult.Done:
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    LogCommand(session.CallId, call.Action);
                }

                return new VoiceResult(VoiceOutcome.Ok, null, session);
            case CallCommandResult.NotLive:
                return VoiceResult.Refused(VoiceOutcome.NotLive, "No browser is connected to this session.");
            default:
                LogCommandFailed(session.CallId, call.Action, answer.Detail);
                return VoiceResult.Refused(VoiceOutcome.UpstreamFailed, "The media worker did not carry the command out; see the gateway's log.");
        }
    }

    /// <summary>
    /// Takes over the WebRTC call <paramref name="openAICallId"/> that the caller's page set up with OpenAI: stores a
    /// browser session for it (metadata <c>browser.webrtc=true</c>) and has the worker attach a sideband, as for SIP.
    /// </summary>
    public async Task<VoiceResult> AttachWebRtcAsync(TenantCaller caller, string? openAICallId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!RealtimeCallIncomingParser.IsCallId(openAICallId))
        {
            return VoiceResult.Refused(VoiceOutcome.Invalid, "call_id must be the OpenAI call id (rtc_…) from the SDP answer's Location header.");
        }

        var sessionId = SessionIdForWebRtc(openAICallId!);
        if (await _store.GetAsync(sessionId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return _tenant.TryAccess(existing.TenantId)
                ? VoiceResult.Refused(VoiceOutcome.Conflict, "This call is already attached.")
                : VoiceResult.Refused(VoiceOutcome.Forbidden, "This call belongs to another tenant.");
        }

        using var span = FunctionsTracing.StartCall(FunctionsTracing.SessionStartSpan, sessionId, CallChannel.Browser, caller.TenantId);
        var admission = await _admission.AdmitTenantAsync(caller.TenantId, sessionId, cancellationToken).ConfigureAwait(false);
        if (!admission.Admitted)
        {
            LogBusy(sessionId, caller.TenantId ?? "-", admission.ActiveCalls, admission.Limit ?? 0);
            FunctionsTracing.SetResult(span, nameof(VoiceOutcome.Busy));
            return VoiceResult.Refused(VoiceOutcome.Busy, $"The tenant has {admission.ActiveCalls} calls in progress, its limit.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [BrowserSessionMetadata.WebRtc] = "true",
            [BrowserSessionMetadata.WebRtcCallId] = openAICallId!,
        };
        var session = NewSession(sessionId, caller.TenantId, "WebRTC call reported through the API", metadata, span);
        session.CallConnectionId = openAICallId;
        if (!await _store.TryCreateAsync(session, cancellationToken).ConfigureAwait(false))
        {
            return VoiceResult.Refused(VoiceOutcome.Conflict, "This call is already attached.");
        }

        await _store.TryMoveAsync(sessionId, CallState.Answering, _time.GetUtcNow(), "attaching the sideband", null, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        // No seat was reserved: any worker replica with room takes it.
        var attach = await _sideband.AttachAsync(sessionId, openAICallId!, worker: null, CallOwner.Of(session), cancellationToken).ConfigureAwait(false);
        if (!attach.Ok)
        {
            LogAttachFailed(sessionId, attach.Detail);
            FunctionsTracing.SetResult(span, nameof(VoiceOutcome.UpstreamFailed), failed: true);
            await _store.TryMoveAsync(sessionId, CallState.Failed, _time.GetUtcNow(), "sideband attach failed: " + attach.Detail, null, cancellationToken: CancellationToken.None)
                .ConfigureAwait(false);
            return VoiceResult.Refused(VoiceOutcome.UpstreamFailed, "The media worker did not take the call; see the gateway's log.");
        }

        // The page's call was live before it reported it; with the sideband on, the gateway holds it too.
        await _store.TryMoveAsync(sessionId, CallState.Connected, _time.GetUtcNow(), "sideband attach handed to the worker", null, cancellationToken: CancellationToken.None)
            .ConfigureAwait(false);
        LogAttached(sessionId, openAICallId!);
        FunctionsTracing.SetResult(span, nameof(VoiceOutcome.Ok));
        return new VoiceResult(VoiceOutcome.Ok, null, session);
    }

    private static string? Validate(VoiceStartRequest request)
    {
        if (request.MaxDuration is < 1 or > BrowserSessionMetadata.MaxDurationLimitSeconds)
        {
            return $"max_duration must be between 1 and {BrowserSessionMetadata.MaxDurationLimitSeconds} seconds.";
        }

        if (request.UserName is { Length: > MaxNameLength })
        {
            return $"user_name must be at most {MaxNameLength} characters.";
        }

        if (request.Welcome is { Length: > MaxWelcomeLength })
        {
            return $"welcome must be at most {MaxWelcomeLength} characters.";
        }

        if (request.ExpectedEngineId is { } engine && !IsCode(engine))
        {
            return $"expected_engine_id must be 1–{MaxNameLength} letters, digits, '-', '_' or '.'.";
        }

        if (request.SegmentCode is { } segment && !IsCode(segment))
        {
            return $"segment_code must be 1–{MaxNameLength} letters, digits, '-', '_' or '.'.";
        }

        return request.UserName is { } name && name.Any(char.IsControl) ? "user_name must not contain control characters." : null;
    }

    private static bool IsCode(string value) =>
        value.Length is > 0 and <= MaxNameLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static void AddIfGiven(Dictionary<string, string> metadata, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            metadata[key] = value.Trim();
        }
    }

    private CallSession NewSession(string sessionId, string? tenantId, string reason, Dictionary<string, string> metadata, Activity? span)
    {
        var now = _time.GetUtcNow();
        var session = new CallSession
        {
            CallId = sessionId,
            Channel = CallChannel.Browser,
            TenantId = tenantId,
            State = CallState.Ringing,
            CreatedAt = now,
            UpdatedAt = now,
            History = [new CallStateChange(CallState.Ringing, now, reason)],
            TraceParent = FunctionsTracing.TraceParentOf(span),
        };
        foreach (var (key, value) in metadata)
        {
            session.Metadata[key] = value;
        }

        return session;
    }

    /// <summary><c>ws(s)://{MediaWorker host}/media/browser</c>, on the session's worker of the <see cref="MediaWorkerPool"/>.</summary>
    private string MediaUrl(string sessionId)
    {
        var worker = _workers.For(sessionId);
        var builder = new UriBuilder(worker)
        {
            Scheme = worker.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = string.Empty,
        };
        builder.Path = builder.Path.TrimEnd('/') + MediaPath;
        return builder.Uri.ToString();
    }

    [LoggerMessage(EventId = 3801, Level = LogLevel.Information, Message = "Browser session {SessionId} started for tenant {TenantId}.")]
    private partial void LogStarted(string sessionId, string tenantId);

    [LoggerMessage(EventId = 3802, Level = LogLevel.Warning, Message = "Browser session {SessionId} of tenant {TenantId} refused: {ActiveCalls} calls in progress, limit {Limit}.")]
    private partial void LogBusy(string sessionId, string tenantId, int activeCalls, int limit);

    [LoggerMessage(EventId = 3803, Level = LogLevel.Information, Message = "Browser session {SessionId}: {Command} carried out by the worker.")]
    private partial void LogCommand(string sessionId, string command);

    [LoggerMessage(EventId = 3804, Level = LogLevel.Warning, Message = "Browser session {SessionId}: {Command} failed: {Detail}.")]
    private partial void LogCommandFailed(string sessionId, string command, string detail);

    [LoggerMessage(EventId = 3805, Level = LogLevel.Information, Message = "WebRTC session {SessionId} ({OpenAICallId}) handed to the worker's sideband.")]
    private partial void LogAttached(string sessionId, string openAICallId);

    [LoggerMessage(EventId = 3806, Level = LogLevel.Error, Message = "WebRTC session {SessionId}: the worker did not take the sideband ({Detail}).")]
    private partial void LogAttachFailed(string sessionId, string detail);
}
