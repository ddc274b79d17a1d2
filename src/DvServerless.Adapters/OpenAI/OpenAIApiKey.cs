using Microsoft.Extensions.Configuration;

namespace DvServerless.Adapters.OpenAI;

/// <summary>Where every OpenAI adapter (Realtime, chat, transcription) finds the project's API key: one lookup, one order.</summary>
public static class OpenAIApiKey
{
    /// <summary><c>OpenAI:ApiKey</c>, else <c>OPENAI_API_KEY</c> from configuration or the process environment; null when none is set.</summary>
    public static string? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return NonEmpty(configuration["OpenAI:ApiKey"]) ?? NonEmpty(configuration["OPENAI_API_KEY"])
            ?? NonEmpty(Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
