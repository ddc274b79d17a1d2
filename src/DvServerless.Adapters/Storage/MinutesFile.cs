namespace DvServerless.Adapters.Storage;

/// <summary>A rendered minutes file read back from Blob storage.</summary>
/// <param name="Content">The rendered bytes.</param>
/// <param name="ContentType">The content type stored with the blob.</param>
/// <param name="TenantId">The owning tenant recorded when the file was written (blob metadata <c>tenant</c>); null when none was.</param>
public sealed record MinutesFile(byte[] Content, string ContentType, string? TenantId = null);
