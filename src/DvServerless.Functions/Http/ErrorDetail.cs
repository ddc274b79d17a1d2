namespace DvServerless.Functions.Http;

/// <summary>One problem of a request that has several: a code and what is wrong.</summary>
/// <param name="Code">A stable, machine-readable code.</param>
/// <param name="Message">What is wrong, for a person.</param>
public sealed record ErrorDetail(string Code, string Message);
