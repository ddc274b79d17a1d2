using DvServerless.Adapters.Live;
using Microsoft.Extensions.Configuration;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// The access key the local stand-in for Azure SignalR's REST API checks tokens with (<see cref="SettingName"/>): the key
/// itself, or a connection string that holds it (the Functions app's <c>Azure:SignalR:ConnectionString</c> may be copied
/// as is). Absent, the stand-in is off.
/// </summary>
public static class LiveRestAccessKey
{
    /// <summary>The setting.</summary>
    public const string SettingName = "Live:RestAccessKey";

    /// <summary>The configured key, or null when the setting is absent; a bad one throws <see cref="InvalidOperationException"/> naming the setting.</summary>
    public static AzureSignalRAccessKey? Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            var key = value.Contains("AccessKey=", StringComparison.OrdinalIgnoreCase)
                ? AzureSignalRConnectionString.Parse(value, SettingName).AccessKey
                : value.Trim();
            if (key is null || key.Length < AzureSignalRAccessKey.MinimumLength)
            {
                throw new FormatException($"{SettingName} must be at least {AzureSignalRAccessKey.MinimumLength} characters (HS256 needs 256 bits).");
            }

            return new AzureSignalRAccessKey(key);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }
}
