namespace DvServerless.Core.Tts;

/// <summary>A TTS provider could not speak: not configured, refused the request (<see cref="StatusCode"/>), or failed.</summary>
public sealed class TextToSpeechException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TextToSpeechException(string provider, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Provider = provider;
        StatusCode = statusCode;
    }

    /// <summary>The provider.</summary>
    public string Provider { get; }

    /// <summary>The provider's HTTP status, when it answered.</summary>
    public int? StatusCode { get; }
}
