namespace DvServerless.Adapters.Acs;

/// <summary>The reject reasons ACS accepts (<c>none</c>, <c>busy</c>, <c>forbidden</c>).</summary>
public enum CallRejectReason
{
    /// <summary><c>none</c>.</summary>
    None,
    /// <summary><c>busy</c>.</summary>
    Busy,
    /// <summary><c>forbidden</c>.</summary>
    Forbidden,
}
