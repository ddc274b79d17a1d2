using DvServerless.Core.Calls;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>Session documents for API tests.</summary>
internal static class TestSessions
{
    /// <summary>A connected ACS call of <paramref name="tenantId"/> between two fixed test numbers.</summary>
    public static CallSession Connected(string callId, string? tenantId, DateTimeOffset now) => new()
    {
        CallId = callId,
        TenantId = tenantId,
        State = CallState.Connected,
        CallConnectionId = "conn-" + callId,
        From = "4:+14255550123",
        To = "4:+18005550199",
        CreatedAt = now,
        UpdatedAt = now,
    };
}
