namespace DvServerless.Core.Minutes;

/// <summary>What the minutes header says about one call, from the call's session.</summary>
/// <param name="CallId">The call id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Parties">Phone numbers or names of the parties, masked or not (they are masked when the minutes are built).</param>
/// <param name="StartedAt">When media started; null to take it from the first record entry.</param>
/// <param name="Engine">The engine; null to take it from the record.</param>
public sealed record MinutesCallInfo(
    string CallId,
    string? TenantId = null,
    IReadOnlyList<string>? Parties = null,
    DateTimeOffset? StartedAt = null,
    string? Engine = null);
