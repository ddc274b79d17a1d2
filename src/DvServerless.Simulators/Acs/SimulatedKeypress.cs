using DvServerless.Core.Calls;

namespace DvServerless.Simulators.Acs;

/// <summary>One key the simulated caller presses.</summary>
/// <param name="Key">The keypad key (<see cref="DtmfKey"/>: <c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>, <c>A</c>–<c>D</c>).</param>
/// <param name="At">When, from the start of media.</param>
public sealed record SimulatedKeypress(char Key, TimeSpan At);
