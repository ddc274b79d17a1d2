namespace DvServerless.Core.Minutes;

/// <summary>The files minutes are rendered into.</summary>
public enum MinutesFormat
{
    /// <summary>Plain text (<c>text/plain</c>).</summary>
    Txt,
    /// <summary>Markdown (<c>text/markdown</c>).</summary>
    Md,
    /// <summary>JSON (<c>application/json</c>).</summary>
    Json,
    /// <summary>SubRip subtitles (<c>application/x-subrip</c>).</summary>
    Srt,
}
