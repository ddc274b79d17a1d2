namespace DvServerless.Core.Voices;

/// <summary>An add-voice request as received (multipart <c>name</c>, <c>description</c>, <c>consent</c>, <c>file</c>).</summary>
/// <param name="Name">The voice's display name.</param>
/// <param name="Description">An optional description.</param>
/// <param name="Consent">Who agreed and when; null when missing (refused).</param>
/// <param name="Sample">The uploaded file's bytes.</param>
/// <param name="FileName">The uploaded file name, kept for information only (the format comes from the bytes).</param>
public sealed record VoiceSampleUpload(string? Name, string? Description, VoiceConsent? Consent, ReadOnlyMemory<byte> Sample, string? FileName = null);
