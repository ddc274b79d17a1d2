using DvServerless.Cli;

namespace DvServerless.Cli.Tests.Load;

public sealed class LoadCommandTests
{
    [Theory]
    [InlineData("simulator")]
    [InlineData("offline")]
    public void Load_accepts_each_engine_it_runs(string engine)
    {
        var result = DvsCommandLine.Build().Parse(["load", "--calls", "2", "--duration", "30", "--ramp", "0", "--engine", engine, "--json", "load.json"]);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Load_with_no_options_takes_the_defaults()
    {
        var result = DvsCommandLine.Build().Parse(["load"]);
        Assert.Empty(result.Errors.Select(e => e.Message));
    }

    [Theory]
    [InlineData("--calls", "0", "--calls must be between 1 and 5000.")]
    [InlineData("--calls", "5001", "--calls must be between 1 and 5000.")]
    [InlineData("--duration", "7", "--duration must be at least 8 seconds")]
    [InlineData("--ramp", "-1", "--ramp must not be negative.")]
    public void Load_refuses_figures_out_of_range(string option, string value, string error)
    {
        var result = DvsCommandLine.Build().Parse(["load", option, value]);
        Assert.Contains(result.Errors, e => e.Message.StartsWith(error, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("realtime")]
    [InlineData("cascaded")]
    public void Load_refuses_an_engine_it_does_not_run(string engine)
    {
        // A real model would be billed per call of the load; the cascaded engine needs provider keys.
        var result = DvsCommandLine.Build().Parse(["load", "--engine", engine]);
        Assert.Contains(result.Errors, error => error.Message.Contains(engine, StringComparison.Ordinal));
    }
}
