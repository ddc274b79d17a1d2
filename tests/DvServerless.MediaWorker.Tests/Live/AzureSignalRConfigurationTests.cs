using System.Reflection;
using Azure.Core;
using Azure.Identity;
using DvServerless.MediaWorker.Live;
using Microsoft.Azure.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Live;

/// <summary>Azure SignalR Service behind the hub, from configuration only; offline (nothing here connects).</summary>
public sealed class AzureSignalRConfigurationTests
{
    private const string Key = "0123456789abcdefghijklmnopqrstuvwxyzABCDEF=";
    private const string ClientId = "6f1c6e55-7f3b-4a55-9b59-0d6c1f0b6a11";

    [Fact]
    public void Without_a_connection_string_the_hub_stays_in_process()
    {
        using var provider = Provider(new Dictionary<string, string?>());

        Assert.Empty(provider.GetServices<IConfigureOptions<ServiceOptions>>());
        Assert.Null(AzureSignalRConfiguration.Read(new ConfigurationBuilder().Build()));
    }

    [Fact]
    public void A_managed_identity_string_gives_one_endpoint_on_the_user_assigned_identity_with_the_sdk_defaults()
    {
        using var provider = Provider(new() { ["Azure:SignalR:ConnectionString"] = $"Endpoint=https://dvs.service.signalr.net;AuthType=azure.msi;ClientId={ClientId};Version=1.0;" });

        var options = provider.GetRequiredService<IOptions<ServiceOptions>>().Value;

        var endpoint = Assert.Single(options.Endpoints ?? []);
        Assert.Null(options.ConnectionString);
        Assert.Equal("https://dvs.service.signalr.net", endpoint.Endpoint.TrimEnd('/'));
        Assert.IsType<ManagedIdentityCredential>(CredentialOf(endpoint));
        Assert.Equal(5, options.InitialHubServerConnectionCount);
    }

    [Fact]
    public void An_access_key_string_gives_a_key_endpoint_and_the_server_connection_count_can_be_set()
    {
        using var provider = Provider(new()
        {
            ["Azure:SignalR:ConnectionString"] = $"Endpoint=https://dvs.service.signalr.net;AccessKey={Key};Version=1.0;",
            ["Azure:SignalR:InitialHubServerConnectionCount"] = "2",
        });

        var options = provider.GetRequiredService<IOptions<ServiceOptions>>().Value;

        var endpoint = Assert.Single(options.Endpoints ?? []);
        Assert.Equal("https://dvs.service.signalr.net", endpoint.Endpoint.TrimEnd('/'));
        Assert.Null(CredentialOf(endpoint));
        Assert.Equal(2, options.InitialHubServerConnectionCount);
    }

    [Fact]
    public void AuthType_azure_uses_the_default_credential()
    {
        var endpoint = AzureSignalRConfiguration.CreateEndpoint(
            DvServerless.Adapters.Live.AzureSignalRConnectionString.Parse("Endpoint=https://dvs.service.signalr.net;AuthType=azure;Version=1.0;"));

        Assert.IsType<DefaultAzureCredential>(CredentialOf(endpoint));
    }

    [Theory]
    [InlineData("Endpoint=https://dvs.service.signalr.net;Version=1.0;", null)]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AuthType=azure.msi;ClientId=abc;Version=1.0;", null)]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AccessKey=" + Key, "0")]
    public void A_malformed_setting_fails_start_up_with_a_message_naming_it(string connectionString, string? count)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Provider(new()
        {
            ["Azure:SignalR:ConnectionString"] = connectionString,
            ["Azure:SignalR:InitialHubServerConnectionCount"] = count,
        }));

        Assert.Contains(count is null ? "Azure:SignalR:ConnectionString" : "Azure:SignalR:InitialHubServerConnectionCount", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        // Through the worker's own registration of the hub, so the test covers what the worker runs.
        services.AddLiveHub(configuration);
        return services.BuildServiceProvider();
    }

    // The SDK keeps an endpoint's credential inside its non-public access key: found by type, wherever it sits.
    private static TokenCredential? CredentialOf(ServiceEndpoint endpoint)
    {
        var accessKey = typeof(ServiceEndpoint).GetProperty("AccessKey", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.GetValue(endpoint);
        for (var type = accessKey!.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
            {
                if (field.GetValue(accessKey) is TokenCredential credential)
                {
                    return credential;
                }
            }
        }

        return null;
    }
}
