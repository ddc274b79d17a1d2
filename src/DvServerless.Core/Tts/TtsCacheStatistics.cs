namespace DvServerless.Core.Tts;

/// <summary>Cache counters of one tenant since the process started, plus the stored entry count.</summary>
public sealed record TtsCacheStatistics(string TenantId, long Hits, long Misses, long Evictions, int Entries);
