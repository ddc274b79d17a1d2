namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>The HTTP tools configured under <c>Agent:Tools</c>, by function name.</summary>
public sealed class HttpToolsOptions
{
    /// <summary>The configuration section that holds one sub-section per tool.</summary>
    public const string SectionName = "Agent:Tools";

    /// <summary>The tools by name (the name the model calls them by).</summary>
    public Dictionary<string, HttpToolOptions> Tools { get; } = new(StringComparer.Ordinal);
}
