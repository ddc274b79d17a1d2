namespace DvServerless.Core.Tts;

/// <summary>What the cache policy needs to know about one entry.</summary>
public sealed record TtsCacheEntryInfo(string Key, DateTimeOffset CreatedAt, DateTimeOffset LastHitAt, long SizeBytes = 0);
