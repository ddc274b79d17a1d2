namespace DvServerless.Core.Engines;

/// <summary>
/// The released <see cref="AgentAudioDelta"/> instances kept for reuse: a fixed set of slots taken and filled with
/// interlocked exchanges, so the engine's receive thread and the call loop never wait on each other. When every slot is
/// empty a new instance is made; when every slot is full a returned one is left to the garbage collector.
/// </summary>
internal static class AgentAudioDeltaPool
{
    // Deltas in flight per call are few (the call loop copies each into its playout at once); the slots cover bursts of
    // several calls on a replica at the same moment without holding much memory.
    private static readonly AgentAudioDelta?[] Slots = new AgentAudioDelta?[Math.Max(64, Environment.ProcessorCount * 16)];

    /// <summary>A released instance, or null when none is kept.</summary>
    public static AgentAudioDelta? TryTake()
    {
        var slots = Slots;
        for (var i = 0; i < slots.Length; i++)
        {
            var item = slots[i];
            if (item is not null && Interlocked.CompareExchange(ref slots[i], null, item) == item)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Keeps <paramref name="delta"/> for reuse if a slot is free.</summary>
    public static void Return(AgentAudioDelta delta)
    {
        var slots = Slots;
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i] is null && Interlocked.CompareExchange(ref slots[i], delta, null) is null)
            {
                return;
            }
        }
    }
}
