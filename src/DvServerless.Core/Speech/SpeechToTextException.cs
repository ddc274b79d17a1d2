namespace DvServerless.Core.Speech;

/// <summary>A speech-to-text provider is not configured, refused the request, or failed.</summary>
public sealed class SpeechToTextException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpeechToTextException(string provider, string message, Exception? inner = null)
        : base($"{provider}: {message}", inner)
    {
        Provider = provider;
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public SpeechToTextException() : this("stt", "speech-to-text failed")
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public SpeechToTextException(string message) : this("stt", message)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public SpeechToTextException(string message, Exception inner) : this("stt", message, inner)
    {
    }

    /// <summary>The provider that failed.</summary>
    public string Provider { get; }
}
