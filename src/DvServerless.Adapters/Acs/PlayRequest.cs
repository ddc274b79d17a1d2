namespace DvServerless.Adapters.Acs;

/// <summary>A play to everyone: one source (file URL, text or SSML).</summary>
public sealed record PlayRequest
{
    /// <summary><c>file</c>, <c>text</c> or <c>ssml</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>For <c>file</c>: the audio URL; for <c>text</c>: the text; for <c>ssml</c>: the SSML.</summary>
    public required string Value { get; init; }

    /// <summary>For <c>text</c>: the neural voice name.</summary>
    public string? VoiceName { get; init; }

    /// <summary>Loop the source.</summary>
    public bool Loop { get; init; }

    /// <summary>Echoed back in Play events.</summary>
    public string? OperationContext { get; init; }
}
