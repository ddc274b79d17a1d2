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
    public void Retry_settings_bind_into_the_client_pipeline_options()
    {
        using var provider = Build(new()
        {
            ["Acs:Retry:MaxRetries"] = "1",
            ["Acs:Retry:Delay"] = "00:00:00.100",
            ["Acs:Retry:MaxDelay"] = "00:00:00.400",
            ["Acs:Retry:NetworkTimeout"] = "00:00:03",
            ["Acs:Retry:MaxRetryAfter"] = "00:00:02",
        });

        var client = provider.GetRequiredService<IOptions<AcsOptions>>().Value.Retry.ToClientOptions();

        Assert.Equal(1, client.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(100), client.Retry.Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(400), client.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(3), client.Retry.NetworkTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), client.MaxRetryAfter);
        Assert.IsType<AcsCallAutomationClient>(provider.GetRequiredService<ICallAutomationClient>());
    }

    [Fact]
    public void Without_retry_settings_the_client_defaults_apply()
    {
        var defaults = new AcsCallAutomationClientOptions();
        var bound = new AcsRetryOptions().ToClientOptions();

        Assert.Equal(defaults.Retry.MaxRetries, bound.Retry.MaxRetries);
        Assert.Equal(defaults.Retry.Delay, bound.Retry.Delay);
        Assert.Equal(defaults.Retry.MaxDelay, bound.Retry.MaxDelay);
        Assert.Equal(defaults.Retry.NetworkTimeout, bound.Retry.NetworkTimeout);
        Assert.Equal(defaults.MaxRetryAfter, bound.MaxRetryAfter);
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
    [InlineData("Acs:Retry:MaxRetries", "11")]
    [InlineData("Acs:Retry:MaxRetryAfter", "00:05:00")]
    [InlineData("Acs:Retry:NetworkTimeout", "00:00:00")]
    public void Bad_settings_fail_validation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AcsOptions>>().Value);
        Assert.Contains(key.Split(':')[1], error.Message);
    }
}
