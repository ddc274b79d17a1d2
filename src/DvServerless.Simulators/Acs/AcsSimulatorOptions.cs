using DvServerless.Core.Hosting;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Acs;

/// <summary>Settings of the <see cref="AcsSimulator"/>.</summary>
public sealed class AcsSimulatorOptions
{
    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The base64 access key the simulator verifies HMAC signatures with (PROTOCOL §2.1).</summary>
    public string AccessKey { get; set; } = LocalDefaults.AcsSimulatorAccessKey;

    /// <summary>The simulated resource's immutable resource id: the audience of callback and media-socket JWTs (PROTOCOL §3.4).</summary>
    public string ResourceId { get; set; } = "5c7b2d1e-0a4f-4d8e-9b6a-3f2e1d0c9b8a";

    /// <summary>The issuer of callback and media-socket JWTs.</summary>
    public string Issuer { get; set; } = "https://acscallautomation.communication.azure.com";

    /// <summary>The resource name used in the Event Grid topic of IncomingCall events.</summary>
    public string ResourceName { get; set; } = "dvs-local-acs";

    /// <summary>Whether <c>Authorization: Bearer</c> (Entra ID, PROTOCOL §2.2) is accepted besides HMAC. Off by default.</summary>
    public bool AcceptBearerTokens { get; set; }

    /// <summary>Decides whether a bearer token is valid when <see cref="AcceptBearerTokens"/> is on; null accepts any non-empty token.</summary>
    public Func<string, bool>? BearerTokenValidator { get; set; }

    /// <summary>Allowed difference between <c>x-ms-date</c> and the simulator's clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Delay between the answer response and the CallConnected callback (ACS answers before the call is up).</summary>
    public TimeSpan CallConnectedDelay { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>The clock for JWT lifetimes and <c>x-ms-date</c> checks, and the media pacing clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the simulator logs; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
