namespace DvServerless.Cli.Load;

/// <summary>One point of a load run's memory over time.</summary>
/// <param name="AtSeconds">Seconds since the calls started.</param>
/// <param name="RssMb">The worker's resident memory, MB.</param>
/// <param name="GcHeapMb">The worker's managed heap after the last collection, MB.</param>
/// <param name="Gen2Collections">Full collections so far.</param>
/// <param name="LiveCalls">Calls answered and not yet ended.</param>
/// <param name="PooledBuffersOutstanding">Audio buffers rented and not returned (<see cref="Core.Audio.PooledBuffers"/>).</param>
public sealed record MemorySample(double AtSeconds, double RssMb, double GcHeapMb, int Gen2Collections, int LiveCalls, long PooledBuffersOutstanding);
