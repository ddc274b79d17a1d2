namespace DvServerless.Functions.CustomHandler;

/// <summary>
/// A <c>timerTrigger</c> binding's value (the host's <c>TimerInfo</c>):
/// <c>{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last","Next","LastUpdated"},"IsPastDue":false}</c>.
/// <see cref="ScheduleStatus"/> is null when the trigger has <c>useMonitor: false</c>.
/// </summary>
public sealed record TimerTriggerInfo
{
    /// <summary>Whether this run is late (the app was down when it was due).</summary>
    public bool IsPastDue { get; init; }

    /// <summary>The schedule's last and next occurrences, when monitored.</summary>
    public TimerScheduleStatus? ScheduleStatus { get; init; }
}
