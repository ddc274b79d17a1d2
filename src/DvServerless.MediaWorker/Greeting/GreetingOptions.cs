namespace DvServerless.MediaWorker.Greeting;

/// <summary>The cached greeting (configuration section <c>Agent</c>, key <c>Greeting</c>): empty turns it off.</summary>
public sealed class GreetingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Agent";

    /// <summary>What the agent says the moment media connects; a tenant's <c>greeting</c> prompt replaces it for that tenant.</summary>
    public string? Greeting { get; set; }
}
