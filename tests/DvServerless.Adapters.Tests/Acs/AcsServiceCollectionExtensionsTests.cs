using DvServerless.Adapters.Acs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Acs;

public sealed class AcsServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddAcsCallAutomation(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Without_configuration_the_local_simulator_is_used()
    {
        using var provider = Build([]);
        Assert.IsType<AcsCallAutomationClient>(provider.GetRequiredService<ICallAutomationClient>());
        Assert.Equal("pcm24KMono", provider.GetRequiredService<IOptions<AcsOptions>>().Value.AudioFormat);
    }

    [Fact]
    public void Endpoint_only_builds_an_entra_id_client()
    {
        using var provider = Build(new() { ["Acs:Endpoint"] = "https://contoso.communication.azure.com/" });
        Assert.IsType<AcsCallAutomationClient>(provider.GetRequiredService<ICallAutomationClient>());
    }

    [Theory]
    [InlineData("Acs:AudioFormat", "pcm48KMono")]
    [InlineData("Acs:ConnectionString", "endpoint=https://x/")]
    public void Bad_settings_fail_validation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AcsOptions>>().Value);
        Assert.Contains(key.Split(':')[1], error.Message);
    }
}
