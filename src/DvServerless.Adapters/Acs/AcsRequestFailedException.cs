namespace DvServerless.Adapters.Acs;

/// <summary>ACS answered an operation with a non-success status; carries the parsed <c>CommunicationErrorResponse</c>.</summary>
public sealed class AcsRequestFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AcsRequestFailedException(int status, string? errorCode, string message)
        : base($"ACS answered {status}{(errorCode is null ? string.Empty : " " + errorCode)}: {message}")
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary><c>error.code</c>, when present.</summary>
    public string? ErrorCode { get; }
}
