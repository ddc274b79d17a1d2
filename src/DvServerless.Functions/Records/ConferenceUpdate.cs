namespace DvServerless.Functions.Records;

/// <summary>The result of <see cref="BlobConferenceStore.UpdateAsync"/>.</summary>
/// <param name="Manifest">The manifest as stored after the change; null when a limit refused it (nothing changed).</param>
/// <param name="LimitExceeded">Which limit refused the change, in words for a 4xx body; null when it was stored.</param>
public sealed record ConferenceUpdate(ConferenceManifest? Manifest, string? LimitExceeded = null);
