using DvServerless.MediaWorker.Playout;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Playout;

/// <summary>The comfort-noise settings bind from their GW_COMFORT_NOISE_* names and a bad one fails start-up.</summary>
public sealed class ComfortNoiseOptionsTests
{
    private static ComfortNoiseOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddComfortNoise(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ComfortNoiseOptions>>().Value;
    }

    [Fact]
    public void The_settings_bind_from_their_environment_names()
    {
        var bound = Bind(new() { ["GW_COMFORT_NOISE_ENABLED"] = "true", ["GW_COMFORT_NOISE_LEVEL"] = "-42.5" });

        Assert.True(bound.Enabled);
        Assert.Equal(-42.5, bound.LevelDbfs);
        Assert.Null(bound.File);
    }

    [Fact]
    public void Defaults_are_off_at_minus_50_dbfs()
    {
        var bound = Bind([]);

        Assert.False(bound.Enabled);
        Assert.Equal(-50, bound.LevelDbfs);
    }

    [Theory]
    [InlineData("GW_COMFORT_NOISE_LEVEL", "-5")]
    [InlineData("GW_COMFORT_NOISE_FILE", "no-such-comfort-bed.pcm")]
    public void A_bad_setting_is_refused(string key, string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));
        Assert.NotEmpty(failure.Failures);
    }
}
