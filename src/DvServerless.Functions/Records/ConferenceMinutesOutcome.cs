namespace DvServerless.Functions.Records;

/// <summary>What <see cref="ConferenceService.GetMinutesAsync"/> found.</summary>
public enum ConferenceMinutesOutcome
{
    /// <summary>The rendered minutes (200 with <see cref="ConferenceMinutesResult.Content"/> and its content type).</summary>
    Found,

    /// <summary>The tenant has no such conference yet (404 <c>minutes_not_ready</c> with <c>Retry-After</c>).</summary>
    NotReady,

    /// <summary>The conference id is malformed (400 <c>invalid_conference_id</c>).</summary>
    InvalidConferenceId,
}
