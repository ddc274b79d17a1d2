namespace DvServerless.Core.Minutes;

/// <summary>Summarizes minutes and lists action items, typically with a language model.</summary>
public interface IMinutesSummarizer
{
    /// <summary>
    /// Summarizes <paramref name="document"/> (its <see cref="MinutesDocument.Summary"/> is ignored). Returns the document
    /// with <see cref="MinutesDocument.Summary"/> set, or with <see cref="MinutesDocument.NoSummaryReason"/> set when no
    /// summary can be made (no model configured, the model failed). Never throws for a model failure.
    /// </summary>
    Task<MinutesDocument> SummarizeAsync(MinutesDocument document, CancellationToken cancellationToken = default);
}
