namespace DvServerless.Functions.Records;

/// <summary>The answer of <see cref="ConferenceService.GetMinutesAsync"/>.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="Content">The rendered minutes when found.</param>
/// <param name="ContentType">Their content type when found.</param>
public sealed record ConferenceMinutesResult(ConferenceMinutesOutcome Outcome, string? Content = null, string? ContentType = null);
