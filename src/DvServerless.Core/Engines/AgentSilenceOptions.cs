namespace DvServerless.Core.Engines;

/// <summary>
/// What the agent does when the caller says nothing (<c>Agent:Silence:*</c>, <c>Agents:{id}:Silence:*</c>): after
/// <see cref="PromptAfterSeconds"/> of silence it asks whether the caller is still there, and after
/// <see cref="Prompts"/> unanswered prompts it says <see cref="Goodbye"/> and hangs up, so a line left open does not hold
/// a seat, a tenant's call slot and a model session for ever.
/// </summary>
public sealed class AgentSilenceOptions
{
    /// <summary>The most seconds <see cref="PromptAfterSeconds"/> may be (an hour: longer is "off", say 0).</summary>
    public const double MaxPromptAfterSeconds = 3600;

    /// <summary>The most prompts before the goodbye.</summary>
    public const int MaxPrompts = 10;

    /// <summary>The longest goodbye, in characters.</summary>
    public const int MaxGoodbyeLength = 500;

    /// <summary>
    /// Seconds of silence (no caller speech, no key) while the agent is idle before the agent asks whether the caller is
    /// still there; 0 turns silence handling off. At least 1 otherwise.
    /// </summary>
    public double PromptAfterSeconds { get; set; } = 30;

    /// <summary>How many prompts go unanswered before the next silence ends the call (0: the first silence ends it).</summary>
    public int Prompts { get; set; } = 2;

    /// <summary>What the caller hears before the hang-up after the last unanswered prompt; empty: the call is hung up without a word.</summary>
    public string Goodbye { get; set; } = "I haven't heard from you, so I'll end the call now. Please call again any time. Goodbye.";

    /// <summary>Whether silence handling is on.</summary>
    public bool Enabled => PromptAfterSeconds > 0;

    /// <summary>The problems with these settings, each naming its setting under <paramref name="section"/> (e.g. <c>Agent:Silence</c>).</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (double.IsNaN(PromptAfterSeconds) || PromptAfterSeconds < 0 || PromptAfterSeconds is > 0 and < 1 || PromptAfterSeconds > MaxPromptAfterSeconds)
        {
            yield return $"{section}:{nameof(PromptAfterSeconds)} is {PromptAfterSeconds}; use 0 (off) or 1–{MaxPromptAfterSeconds} seconds.";
        }

        if (Prompts is < 0 or > MaxPrompts)
        {
            yield return $"{section}:{nameof(Prompts)} is {Prompts}; use 0–{MaxPrompts}.";
        }

        if ((Goodbye?.Length ?? 0) > MaxGoodbyeLength)
        {
            yield return $"{section}:{nameof(Goodbye)} is {Goodbye!.Length} characters; use at most {MaxGoodbyeLength}.";
        }
    }

    /// <summary>A copy.</summary>
    public AgentSilenceOptions Clone() => (AgentSilenceOptions)MemberwiseClone();
}
