using DvServerless.Adapters.Storage;

namespace DvServerless.Functions.Records;

/// <summary>The answer of <see cref="CallMinutesQuery.GetAsync"/>.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="File">The minutes file when <see cref="CallMinutesOutcome.Found"/>.</param>
/// <param name="FileName">The download name of the file when found.</param>
/// <param name="CrossTenantAttempt">
/// Whether the caller asked for another tenant's call. The HTTP answer must not show it (it is the same as for an
/// unknown call); it is only for the audit log.
/// </param>
public sealed record CallMinutesResult(CallMinutesOutcome Outcome, MinutesFile? File = null, string? FileName = null, bool CrossTenantAttempt = false)
{
    /// <summary>The malformed-id answer.</summary>
    public static CallMinutesResult InvalidCallId { get; } = new(CallMinutesOutcome.InvalidCallId);

    /// <summary>The not-ready answer for the caller's own (or, for the admin, any) call.</summary>
    public static CallMinutesResult NotReady { get; } = new(CallMinutesOutcome.NotReady);

    /// <summary>The answer for a call the caller may not see: indistinguishable from <see cref="NotReady"/> over HTTP.</summary>
    public static CallMinutesResult Hidden { get; } = new(CallMinutesOutcome.NotReady, CrossTenantAttempt: true);
}
