namespace DvServerless.Core.Calls;

/// <summary>What text the say API accepts to speak into a live call; the Functions app and the worker apply the same rule.</summary>
public static class InjectedSpeechRules
{
    /// <summary>The longest text, in characters (about a minute of speech).</summary>
    public const int MaxTextLength = 1000;

    /// <summary>The longest voice id.</summary>
    public const int MaxVoiceLength = 100;

    /// <summary>Why <paramref name="text"/> and <paramref name="voice"/> cannot be said, or null when they can.</summary>
    public static string? Problem(string? text, string? voice)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "text is required: what to say into the call.";
        }

        if (text.Length > MaxTextLength)
        {
            return $"text is at most {MaxTextLength} characters; got {text.Length}.";
        }

        if (voice is not null && (voice.Length > MaxVoiceLength || voice.Any(char.IsControl)))
        {
            return $"voice is a provider voice id of at most {MaxVoiceLength} characters.";
        }

        return null;
    }
}
