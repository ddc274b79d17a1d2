namespace DvServerless.MediaWorker.Sip;

/// <summary>How many SIP sidebands the worker runs and may run.</summary>
/// <param name="Active">Sidebands running now.</param>
/// <param name="Limit">The most it runs at once.</param>
/// <param name="Available">True when one more call would be taken.</param>
public readonly record struct SidebandCapacity(int Active, int Limit, bool Available);
