using DvServerless.Core.Minutes;

namespace DvServerless.Adapters.Minutes;

/// <summary>The summarizer used when no language model is configured: minutes say "No summary: no language model is configured."</summary>
public sealed class NoMinutesSummarizer : IMinutesSummarizer
{
    /// <inheritdoc />
    public Task<MinutesDocument> SummarizeAsync(MinutesDocument document, CancellationToken cancellationToken = default) =>
        Task.FromResult(document with { Summary = null, NoSummaryReason = MinutesRenderer.NoLanguageModelReason });
}
