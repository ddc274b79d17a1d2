namespace DvServerless.Adapters.Acs.Media;

/// <summary>A media frame that is not valid JSON, lacks <c>kind</c>, or carries invalid base64 audio.</summary>
public sealed class AcsMediaFormatException : FormatException
{
    /// <summary>Creates the exception with a reason safe to log (no payload content).</summary>
    public AcsMediaFormatException(string reason, Exception? inner = null) : base(reason, inner)
    {
    }
}
