using DvServerless.Core.Calls;

namespace DvServerless.MediaWorker.Calls;

/// <summary>One call whose loop runs on this worker, as the Functions app's commands find it in <see cref="LiveCalls"/>.</summary>
/// <param name="CallId">The call (or browser session) id.</param>
/// <param name="TenantId">The tenant it belongs to, when known (TTS cache scope).</param>
/// <param name="Channel">How the caller is connected.</param>
/// <param name="Loop">The call's loop: interrupt, say and comfort noise act on it.</param>
/// <param name="Browser">The browser session's handle for the commands only a browser leg has (stop, mute); null for other channels.</param>
/// <param name="AgentId">The named agent the call runs (whose voice a <c>say</c> speaks in); null for the default agent.</param>
public sealed record LiveCall(string CallId, string? TenantId, CallChannel Channel, CallLoop Loop, BrowserLiveSession? Browser = null, string? AgentId = null);
