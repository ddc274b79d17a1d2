namespace DvServerless.Adapters.Minutes;

/// <summary>What <see cref="MinutesService"/> did on an end event.</summary>
public enum MinutesRenderOutcome
{
    /// <summary>This call rendered the minutes.</summary>
    Rendered,
    /// <summary>Another end event already rendered (or is rendering) them; nothing was done.</summary>
    AlreadyRendered,
}
