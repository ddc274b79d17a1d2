namespace DvServerless.Adapters.Minutes;

/// <summary>
/// The language model that writes minutes summaries (configuration section <c>MinutesChat</c>): any OpenAI-compatible
/// chat completions endpoint. With no <see cref="ApiKey"/> the minutes say "No summary: no language model is configured."
/// </summary>
public sealed class MinutesChatOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "MinutesChat";

    /// <summary>The API key (from Key Vault or user secrets).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API base address including <c>/v1</c>.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.openai.com/v1");

    /// <summary>The chat model.</summary>
    public string Model { get; set; } = "gpt-4o-mini";
}
