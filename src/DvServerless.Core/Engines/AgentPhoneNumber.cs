namespace DvServerless.Core.Engines;

/// <summary>One configured number of a named agent, as written in configuration.</summary>
/// <param name="AgentId">The agent that lists the number (<c>Agents:{id}</c>).</param>
/// <param name="Setting">The setting that holds it (<c>Agents:{id}:PhoneNumbers:{n}</c>), named in start-up errors.</param>
/// <param name="Value">The number as written; expected in E.164 (<c>+14255550100</c>).</param>
public sealed record AgentPhoneNumber(string AgentId, string Setting, string? Value);
