namespace DvServerless.MediaWorker.Say;

/// <summary>The TTS provider or its cache could not speak the text (the command answers 503).</summary>
public sealed class CallSpeechUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CallSpeechUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CallSpeechUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CallSpeechUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
