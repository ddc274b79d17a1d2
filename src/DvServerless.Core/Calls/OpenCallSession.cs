namespace DvServerless.Core.Calls;

/// <summary>
/// A session that is not final, as the store's index saw it at the session's last write: enough to pick out sessions
/// that stopped moving without opening every document.
/// </summary>
/// <param name="CallId">The call (or browser session) id.</param>
/// <param name="TenantId">The session's tenant; null when it has none.</param>
/// <param name="State">The state the session was written in last.</param>
/// <param name="LastWritten">When the session was written last.</param>
public readonly record struct OpenCallSession(string CallId, string? TenantId, CallState State, DateTimeOffset LastWritten);
