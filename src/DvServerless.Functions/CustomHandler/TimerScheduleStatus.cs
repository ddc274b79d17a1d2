using System.Text.Json.Serialization;

namespace DvServerless.Functions.CustomHandler;

/// <summary>
/// <c>ScheduleStatus</c> of a timer invocation. Times without an offset (a first run sends <c>0001-01-01T00:00:00</c>)
/// are read as UTC, and unreadable times as null, because hosts have been seen sending odd values.
/// </summary>
public sealed record TimerScheduleStatus
{
    /// <summary>The previous occurrence.</summary>
    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? Last { get; init; }

    /// <summary>The next occurrence.</summary>
    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? Next { get; init; }

    /// <summary>When the status was last written.</summary>
    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? LastUpdated { get; init; }
}
