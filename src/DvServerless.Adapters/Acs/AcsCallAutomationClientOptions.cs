using Azure.Core;

namespace DvServerless.Adapters.Acs;

/// <summary>Pipeline options (retries, logging, transport) of <see cref="AcsCallAutomationClient"/>.</summary>
public sealed class AcsCallAutomationClientOptions : ClientOptions
{
    /// <summary>The Call Automation api-version every request carries.</summary>
    public const string ApiVersion = "2026-03-12";
}
