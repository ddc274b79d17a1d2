namespace DvServerless.Adapters.Storage;

/// <summary>A rendered minutes file read back from Blob storage.</summary>
public sealed record MinutesFile(byte[] Content, string ContentType);
