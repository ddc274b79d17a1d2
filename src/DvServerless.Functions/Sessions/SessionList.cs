namespace DvServerless.Functions.Sessions;

/// <summary>The body of a session listing.</summary>
public sealed record SessionList(IReadOnlyList<SessionView> Sessions);
