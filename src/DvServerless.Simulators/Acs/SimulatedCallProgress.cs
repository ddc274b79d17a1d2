namespace DvServerless.Simulators.Acs;

/// <summary>A human-readable progress note of a simulated call ("answered", "media connected", …).</summary>
/// <param name="Elapsed">Time since the call was placed.</param>
/// <param name="Note">What happened.</param>
public sealed record SimulatedCallProgress(TimeSpan Elapsed, string Note);
