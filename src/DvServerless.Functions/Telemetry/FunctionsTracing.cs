using System.Diagnostics;
using DvServerless.Core.Calls;

namespace DvServerless.Functions.Telemetry;

/// <summary>
/// The Functions app's spans of a call (ActivitySource <see cref="SourceName"/>). A call's trace starts here: the function
/// that creates its session runs in a <see cref="IncomingCallSpan"/> (ACS, SIP) or <see cref="SessionStartSpan"/> (browser)
/// span, whose <c>traceparent</c> is stored in <see cref="CallSession.TraceParent"/>; every later webhook of the call
/// (<see cref="CallEventSpan"/>) and the media worker's spans take that stored context as their parent, so one call is one
/// trace across both apps whatever request or process handles its next step.
/// </summary>
/// <remarks>
/// Tags name the call, its tenant and channel; never its parties (phone numbers, SIP URIs). With no listener on the source
/// (no exporter configured) nothing is created and sessions carry no trace.
/// </remarks>
public static class FunctionsTracing
{
    /// <summary>The ActivitySource's name.</summary>
    public const string SourceName = "DvServerless.Functions";

    /// <summary>The work of an incoming ACS or SIP call: admission, session, answer or reject.</summary>
    public const string IncomingCallSpan = "call.incoming";

    /// <summary>The start of a browser session (or the attach of a browser's WebRTC call).</summary>
    public const string SessionStartSpan = "call.session.start";

    /// <summary>One Call Automation callback event of a call (CallConnected, CallDisconnected, …).</summary>
    public const string CallEventSpan = "call.event";

    /// <summary>Tag: the gateway's call id.</summary>
    public const string CallIdTag = "dvs.call.id";

    /// <summary>Tag: the owning tenant (absent without tenants).</summary>
    public const string TenantTag = "dvs.tenant.id";

    /// <summary>Tag: how the call arrived (<c>acs</c>, <c>sip</c>, <c>browser</c>).</summary>
    public const string ChannelTag = "dvs.call.channel";

    /// <summary>Tag: what the function made of the call or event (e.g. <c>Answered</c>, <c>Applied</c>).</summary>
    public const string ResultTag = "dvs.call.result";

    /// <summary>Tag: the Call Automation event type of a <see cref="CallEventSpan"/>.</summary>
    public const string EventTypeTag = "dvs.acs.event";

    /// <summary>The source every span of this app comes from.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// Starts the span of the request that creates call <paramref name="callId"/>'s session, under the ambient request span
    /// (the trace of a call begins with the request that brought it); null when nobody listens or samples it.
    /// </summary>
    public static Activity? StartCall(string name, string callId, CallChannel channel, string? tenantId = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var span = Source.StartActivity(name, ActivityKind.Internal);
        span?.SetTag(CallIdTag, callId).SetTag(ChannelTag, ChannelName(channel)).SetTag(TenantTag, tenantId);
        return span;
    }

    /// <summary>
    /// Starts a span of a later step of the call of <paramref name="session"/> in the call's own trace: its parent is the
    /// stored <see cref="CallSession.TraceParent"/>, and the request that carried the step (the ambient span, a trace of its
    /// own) is linked. Without a stored trace the span stays in the request's trace. Null when nobody listens or samples it.
    /// </summary>
    public static Activity? StartForSession(string name, CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? span;
        if (ActivityContext.TryParse(session.TraceParent, null, isRemote: true, out var callContext))
        {
            var request = Activity.Current;
            ActivityLink[]? links = request is null ? null : [new ActivityLink(request.Context)];
            span = Source.StartActivity(name, ActivityKind.Internal, callContext, links: links);
        }
        else
        {
            span = Source.StartActivity(name, ActivityKind.Internal);
        }

        span?.SetTag(CallIdTag, session.CallId).SetTag(ChannelTag, ChannelName(session.Channel)).SetTag(TenantTag, session.TenantId);
        return span;
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="span"/>, what a new session stores; null without a span.</summary>
    public static string? TraceParentOf(Activity? span) => span is { IdFormat: ActivityIdFormat.W3C } ? span.Id : null;

    /// <summary>Tags <paramref name="span"/> with <paramref name="result"/>, and marks it failed when <paramref name="failed"/>.</summary>
    public static void SetResult(Activity? span, string result, bool failed = false)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(ResultTag, result);
        if (failed)
        {
            span.SetStatus(ActivityStatusCode.Error, result);
        }
    }

    /// <summary>Marks <paramref name="span"/> failed by <paramref name="exception"/> (its type only: messages may carry data).</summary>
    public static void SetFailed(Activity? span, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
    }

    /// <summary>The channel's tag value.</summary>
    public static string ChannelName(CallChannel channel) => channel switch
    {
        CallChannel.Acs => "acs",
        CallChannel.Sip => "sip",
        CallChannel.Browser => "browser",
        _ => channel.ToString(),
    };
}
