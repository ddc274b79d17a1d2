namespace DvServerless.Adapters.Storage;

/// <summary>Audio from <see cref="BlobTtsCache"/>: PCM16 at the requested rate, its key, and whether it came from the cache.</summary>
public sealed record TtsCacheResult(byte[] Pcm, string Key, bool Hit);
