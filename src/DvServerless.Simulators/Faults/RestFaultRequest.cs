namespace DvServerless.Simulators.Faults;

/// <summary>One REST request a simulator checked against its <see cref="RestFaultPlan"/>.</summary>
/// <param name="ReceivedAt">When it arrived, on the simulator's clock.</param>
/// <param name="Operation">The operation it addressed (see <see cref="RestFault.Operation"/>).</param>
/// <param name="FaultStatus">The status the plan answered it with; null when the plan let it through.</param>
public sealed record RestFaultRequest(DateTimeOffset ReceivedAt, string Operation, int? FaultStatus);
