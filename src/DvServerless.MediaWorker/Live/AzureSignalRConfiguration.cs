using System.Globalization;
using DvServerless.Adapters.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Azure.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// Azure SignalR Service behind the live hub, from the one setting both apps read,
/// <c>Azure:SignalR:ConnectionString</c> (<see cref="AzureSignalRConnectionString"/>). With it, the hub's connections
/// are held by the service (Default mode; the worker is the hub server); without it, the hub runs in-process, as
/// locally: the SDK is only added when an endpoint is configured, because with an unreachable service negotiate and
/// every send fail (ISOLATED-WORKER.md §6).
/// </summary>
public static class AzureSignalRConfiguration
{
    /// <summary>Optional: the server connections per hub the worker opens to the service (the SDK's default: 5).</summary>
    public const string InitialHubServerConnectionCountSetting = "Azure:SignalR:InitialHubServerConnectionCount";

    /// <summary>
    /// Adds Azure SignalR Service to <paramref name="builder"/> when <c>Azure:SignalR:ConnectionString</c> is set; does
    /// nothing otherwise. A malformed setting throws <see cref="InvalidOperationException"/> naming it, so start-up fails.
    /// </summary>
    public static ISignalRServerBuilder AddAzureSignalRWhenConfigured(this ISignalRServerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var connection = Read(configuration);
        if (connection is null)
        {
            return builder;
        }

        var serverConnections = ReadServerConnectionCount(configuration);
        return builder.AddAzureSignalR(options => Configure(options, connection, serverConnections));
    }

    /// <summary>The configured service, or null when <c>Azure:SignalR:ConnectionString</c> is absent or empty.</summary>
    public static AzureSignalRConnectionString? Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[AzureSignalRConnectionString.SettingName];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return AzureSignalRConnectionString.Parse(value);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    /// <summary>
    /// Points <paramref name="options"/> at <paramref name="connection"/>'s endpoint only (the SDK's own reading of the
    /// same setting is replaced, so the service is not connected twice) and sets the hub server connection count when given.
    /// </summary>
    public static void Configure(ServiceOptions options, AzureSignalRConnectionString connection, int? initialHubServerConnectionCount = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connection);
        options.ConnectionString = null;
        options.Endpoints = [CreateEndpoint(connection)];
        if (initialHubServerConnectionCount is { } count)
        {
            options.InitialHubServerConnectionCount = count;
        }
    }

    /// <summary>
    /// The endpoint: with a managed identity (the documented way: the user-assigned identity by its client id) or
    /// <c>DefaultAzureCredential</c>, an endpoint on that credential; with an access key, the SDK's endpoint for the string.
    /// </summary>
    public static ServiceEndpoint CreateEndpoint(AzureSignalRConnectionString connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.CreateCredential() is { } credential
            ? new ServiceEndpoint(connection.Endpoint, credential)
            : new ServiceEndpoint($"Endpoint={connection.Endpoint.GetLeftPart(UriPartial.Authority)};AccessKey={connection.AccessKey};Version=1.0;");
    }

    private static int? ReadServerConnectionCount(IConfiguration configuration)
    {
        var value = configuration[InitialHubServerConnectionCountSetting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 100)
        {
            throw new InvalidOperationException($"{InitialHubServerConnectionCountSetting} must be a whole number from 1 to 100, not '{value}'.");
        }

        return count;
    }
}
