using Cronos;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// A Functions timer schedule (NCRONTAB: six fields with seconds, or five without) evaluated with Cronos, for the local
/// background loop that stands in for the <c>TtsCacheWarmup</c> timer trigger.
/// </summary>
public sealed class CronosSchedule
{
    private readonly CronExpression _expression;

    private CronosSchedule(CronExpression expression) => _expression = expression;

    /// <summary>Parses <paramref name="schedule"/>.</summary>
    /// <exception cref="FormatException">Not a five- or six-field cron expression.</exception>
    public static CronosSchedule Parse(string schedule)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schedule);
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return new CronosSchedule(CronExpression.Parse(schedule, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard));
        }
        catch (CronFormatException e)
        {
            throw new FormatException($"'{schedule}' is not a valid timer schedule: {e.Message}", e);
        }
    }

    /// <summary>The next occurrence strictly after <paramref name="after"/> (UTC), or null when there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after, TimeZoneInfo.Utc);
}
