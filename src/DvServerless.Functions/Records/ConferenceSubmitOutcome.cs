namespace DvServerless.Functions.Records;

/// <summary>What <see cref="ConferenceService.SubmitAsync"/> did.</summary>
public enum ConferenceSubmitOutcome
{
    /// <summary>Stored (answer 202 with conference id, accepted count and call ids).</summary>
    Accepted,

    /// <summary>The conference id is malformed (400 <c>invalid_conference_id</c>).</summary>
    InvalidConferenceId,

    /// <summary>The body breaks the rules; <see cref="ConferenceSubmitResult.Errors"/> says how (400 <c>invalid_segments</c>).</summary>
    InvalidSegments,

    /// <summary>
    /// A call id is not a session of the caller's tenant — unknown or another tenant's, answered alike (403
    /// <c>foreign_call_ids</c>); nothing stored.
    /// </summary>
    ForeignCallIds,

    /// <summary>A per-conference limit would be passed (413 <c>conference_limit</c>); nothing stored.</summary>
    LimitExceeded,
}
