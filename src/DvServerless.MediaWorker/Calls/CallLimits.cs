using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// One call's silence handling and time limit, from its agent (<see cref="AgentOptions.Silence"/>,
/// <see cref="AgentOptions.MaxCallMinutes"/>): what <see cref="CallLimitWatch"/> decides on and what the caller hears.
/// </summary>
/// <param name="SilencePromptAfter">Silence before the agent asks whether the caller is there; null: off.</param>
/// <param name="SilencePrompts">Unanswered prompts before the next silence ends the call.</param>
/// <param name="SilenceGoodbye">The last words after the unanswered prompts; empty: none.</param>
/// <param name="MaxDuration">The longest the call may last from its media's start; null: no limit.</param>
/// <param name="TimeLimitGoodbye">The last words at the time limit; empty: none.</param>
public sealed record CallLimits(TimeSpan? SilencePromptAfter, int SilencePrompts, string SilenceGoodbye, TimeSpan? MaxDuration, string TimeLimitGoodbye)
{
    /// <summary>
    /// The system note the agent gets when the caller has been silent: fixed text, never the caller's words, so nothing
    /// a caller says can steer it.
    /// </summary>
    public const string SilenceNote =
        "The caller has said nothing for a while. Briefly ask whether they are still there; do not repeat your last answer.";

    /// <summary>No silence handling and no time limit (what a loop built without an agent runs, as in most tests).</summary>
    public static CallLimits Off { get; } = new(null, 0, string.Empty, null, string.Empty);

    /// <summary>Whether either limit is on.</summary>
    public bool Any => SilencePromptAfter is not null || MaxDuration is not null;

    /// <summary>The limits <paramref name="agent"/> sets.</summary>
    public static CallLimits From(AgentOptions agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var silence = agent.Silence ?? new AgentSilenceOptions();
        return new CallLimits(
            silence.Enabled ? TimeSpan.FromSeconds(silence.PromptAfterSeconds) : null,
            Math.Max(0, silence.Prompts),
            silence.Goodbye?.Trim() ?? string.Empty,
            agent.MaxCallMinutes > 0 ? TimeSpan.FromMinutes(agent.MaxCallMinutes) : null,
            agent.TimeLimitGoodbye?.Trim() ?? string.Empty);
    }
}
