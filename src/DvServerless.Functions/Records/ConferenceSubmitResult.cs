namespace DvServerless.Functions.Records;

/// <summary>The answer of <see cref="ConferenceService.SubmitAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Errors">The problems (for <see cref="ConferenceSubmitOutcome.InvalidSegments"/>, <see cref="ConferenceSubmitOutcome.ForeignCallIds"/>
/// and <see cref="ConferenceSubmitOutcome.LimitExceeded"/>); empty otherwise.</param>
/// <param name="Accepted">How many segments were stored.</param>
/// <param name="CallIds">The calls of the conference after the change.</param>
/// <param name="CrossTenantAttempt">Whether a call id belonged to another tenant (for the audit log only).</param>
public sealed record ConferenceSubmitResult(
    ConferenceSubmitOutcome Outcome,
    IReadOnlyList<string> Errors,
    int Accepted = 0,
    IReadOnlyList<string>? CallIds = null,
    bool CrossTenantAttempt = false);
