using DvServerless.Core.Tts;

namespace DvServerless.MediaWorker.Greeting;

/// <summary>
/// The cached greeting (configuration section <c>Agent</c>, key <c>Greeting</c>). On by default on every channel whose
/// audio passes through the worker (ACS, browser) with <see cref="DefaultGreeting.Text"/>; <c>Agent__Greeting=""</c>
/// turns it off. SIP calls carry their audio between the carrier and OpenAI, so there the agent greets through its
/// own first response instead.
/// </summary>
public sealed class GreetingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Agent";

    /// <summary>
    /// What the agent says the moment media connects; a tenant's <c>greeting</c> prompt replaces it for that tenant.
    /// Empty or blank: no greeting.
    /// </summary>
    public string? Greeting { get; set; } = DefaultGreeting.Text;
}
