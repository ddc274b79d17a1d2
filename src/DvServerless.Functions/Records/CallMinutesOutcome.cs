namespace DvServerless.Functions.Records;

/// <summary>What <see cref="CallMinutesQuery.GetAsync"/> found.</summary>
public enum CallMinutesOutcome
{
    /// <summary>The minutes file is in <see cref="CallMinutesResult.File"/> (answer 200 with it).</summary>
    Found,

    /// <summary>
    /// Not ready, unknown, another tenant's call or a call with no session asked by a tenant: all answer the same 404
    /// <c>minutes_not_ready</c> with <c>Retry-After</c>, so a caller cannot tell whether the call exists.
    /// </summary>
    NotReady,

    /// <summary>The call id is malformed (answer 400 <c>invalid_call_id</c>).</summary>
    InvalidCallId,
}
