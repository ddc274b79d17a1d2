using Azure.Identity;
using DvServerless.Adapters.Live;

namespace DvServerless.Adapters.Tests.Live;

public sealed class AzureSignalRConnectionStringTests
{
    private const string Key = "0123456789abcdefghijklmnopqrstuvwxyzABCDEF=";
    private const string ClientId = "6f1c6e55-7f3b-4a55-9b59-0d6c1f0b6a11";

    [Fact]
    public void An_access_key_string_gives_the_endpoint_and_the_key()
    {
        var parsed = AzureSignalRConnectionString.Parse($"Endpoint=https://dvs.service.signalr.net;AccessKey={Key};Version=1.0;");

        Assert.Equal(new Uri("https://dvs.service.signalr.net"), parsed.Endpoint);
        Assert.Equal(AzureSignalRAuthType.AccessKey, parsed.AuthType);
        Assert.Equal(Key, parsed.AccessKey);
        Assert.Null(parsed.CreateCredential());
        Assert.IsType<AzureSignalRAccessKeyTokenSource>(parsed.CreateTokenSource(TimeProvider.System));
        Assert.DoesNotContain(Key, parsed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_managed_identity_string_gives_a_managed_identity_credential_and_entra_tokens()
    {
        var parsed = AzureSignalRConnectionString.Parse($"endpoint=https://dvs.service.signalr.net/;authtype=azure.msi;clientid={ClientId};version=1.0;");

        Assert.Equal(AzureSignalRAuthType.ManagedIdentity, parsed.AuthType);
        Assert.Equal(ClientId, parsed.ClientId);
        Assert.Null(parsed.AccessKey);
        Assert.IsType<ManagedIdentityCredential>(parsed.CreateCredential());
        Assert.IsType<AzureSignalREntraTokenSource>(parsed.CreateTokenSource(TimeProvider.System));
    }

    [Fact]
    public void AuthType_azure_gives_the_default_credential()
    {
        var parsed = AzureSignalRConnectionString.Parse("Endpoint=http://127.0.0.1:7074;AuthType=azure;Version=1.0;");

        Assert.Equal(AzureSignalRAuthType.DefaultAzureCredential, parsed.AuthType);
        Assert.Equal(new Uri("http://127.0.0.1:7074"), parsed.Endpoint);
        Assert.IsType<DefaultAzureCredential>(parsed.CreateCredential());
    }

    [Theory]
    [InlineData("AccessKey=" + Key, "no 'Endpoint='")]
    [InlineData("Endpoint=https://dvs.service.signalr.net;Version=1.0;", "neither an 'AccessKey=' nor an 'AuthType='")]
    [InlineData("Endpoint=dvs.service.signalr.net;AccessKey=" + Key, "not an absolute http(s) URL")]
    [InlineData("Endpoint=https://dvs.service.signalr.net/api;AccessKey=" + Key, "no path or query")]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AccessKey=short", "shorter than 32")]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AuthType=azure.app;ClientId=" + ClientId, "AuthType=azure.app")]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AuthType=azure.msi;ClientId=not-a-guid", "not a GUID")]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AuthType=azure.msi;AccessKey=" + Key, "both an AccessKey")]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AccessKey=" + Key + ";Version=2.0", "Version=2.0")]
    [InlineData("Endpoint=https://dvs.service.signalr.net;AccessKey=" + Key + ";Port=8080", "'Port='")]
    [InlineData("just text", "not 'key=value'")]
    public void A_malformed_string_fails_naming_the_setting_and_never_the_key(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AzureSignalRConnectionString.Parse(value));

        Assert.StartsWith("Azure:SignalR:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }
}
